"""Real-shaped office documents built in the tests: a deck, a workbook, ODF, an EPUB, a PDF."""

from __future__ import annotations

import datetime
import io

SLIDES = [
    ("Relazione trimestrale", "Il fatturato è cresciuto del 12% a Milano."),
    ("Obiettivi", "Ridurre i costi di Roma entro marzo 2025."),
    ("Risultati", "La squadra di Torino ha chiuso 34 contratti."),
    ("Tabella dei dati", None),
    ("Gruppo di forme", None),
    ("Clienti", "Abbiamo servito 1.250 clienti in Lombardia."),
    ("Rischi", "Il ritardo delle consegne resta il rischio principale."),
    ("Piano", "Apriremo un nuovo ufficio a Napoli."),
    ("Budget", "Il budget per il 2026 è di 3 milioni di euro."),
    ("Conclusioni", "Grazie per l'attenzione."),
]


def build_pptx() -> bytes:
    """A 10-slide deck: titles, bold/italic/coloured/linked runs, a table, a group, notes."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    deck = Presentation()
    for number, (title, body) in enumerate(SLIDES):
        slide = deck.slides.add_slide(deck.slide_layouts[1 if body else 5])
        slide.shapes.title.text = title
        if body:
            frame = slide.placeholders[1].text_frame
            paragraph = frame.paragraphs[0]
            words = body.split(" ")
            first = paragraph.add_run()
            first.text = " ".join(words[:2]) + " "
            bold = paragraph.add_run()
            bold.text = " ".join(words[2:4])
            bold.font.bold = True
            rest = paragraph.add_run()
            rest.text = " " + " ".join(words[4:])
            if number == 1:
                bold.font.italic = True
                bold.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
            if number == 2:
                rest.hyperlink.address = "https://example.com/torino"
            second = frame.add_paragraph()
            second.text = f"Nota numero {number + 1} della diapositiva."
            second.level = 1
        if number == 3:
            table = slide.shapes.add_table(3, 3, Inches(1), Inches(2), Inches(6), Inches(2)).table
            cells = [["Città", "Vendite", "Crescita"], ["Milano", "1200", "12%"],
                     ["Roma", "950", "8%"]]
            for r, row in enumerate(cells):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        if number == 4:
            group = slide.shapes.add_group_shape()
            for i, text in enumerate(["Prima casella del gruppo", "Seconda casella del gruppo"]):
                box = group.shapes.add_textbox(Inches(1 + 3 * i), Inches(2), Inches(2), Inches(1))
                box.text_frame.text = text
        notes = slide.notes_slide.notes_text_frame
        notes.text = f"Appunti del relatore per la diapositiva {number + 1}: parlare lentamente."
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def build_xlsx_inline() -> bytes:
    """openpyxl's kind of workbook: inline strings; formulas, merged cells, a comment, a chart."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = Workbook()
    sales = book.active
    sales.title = "Vendite"
    sales.append(["Città", "Vendite", "Data"])
    rows = [("Milano", 1200, datetime.date(2025, 3, 1)), ("Roma", 950, datetime.date(2025, 3, 2)),
            ("Torino", 700, datetime.date(2025, 3, 3))]
    for row in rows:
        sales.append(list(row))
    sales["A1"].font = Font(bold=True)
    sales["A5"] = "Totale delle vendite"
    sales["B5"] = "=SUM(B2:B4)"
    sales["A2"].comment = Comment("Controllare il dato di Milano.", "Maria Rossi")
    sales.column_dimensions["A"].width = 24
    chart = BarChart()
    chart.title = "Vendite per città"
    chart.add_data(Reference(sales, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(sales, min_col=1, min_row=2, max_row=4))
    sales.add_chart(chart, "E2")
    notes = book.create_sheet("Note")
    notes.merge_cells("A1:C1")
    notes["A1"] = "Relazione annuale della società"
    notes["A2"] = "Il bilancio è stato approvato il 12 aprile."
    notes["A3"] = 3.14
    notes["B3"] = '=IF(A3>3,"grande","piccolo")'
    summary = book.create_sheet("Riepilogo")
    summary["A1"] = "Riepilogo generale"
    summary["A2"] = "=Vendite!B5"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_xlsx() -> bytes:
    """Excel's kind of workbook (shared strings), three sheets: text with bold words,
    numbers, dates, formulas with cached results, merged cells, a comment, widths, a chart."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    when = book.add_format({"num_format": "dd/mm/yyyy"})
    sales = book.add_worksheet("Vendite")
    sales.set_column("A:A", 24)
    sales.write_row(0, 0, ["Città", "Vendite", "Data"], bold)
    for row, (city, amount, day) in enumerate([("Milano", 1200.5, 1), ("Roma", 950, 2),
                                               ("Torino", 700, 3)], start=1):
        sales.write_string(row, 0, city)
        sales.write_number(row, 1, amount, money)
        sales.write_datetime(row, 2, datetime.datetime(2025, 3, day), when)
    sales.write_string(4, 0, "Totale delle vendite")
    sales.write_formula(4, 1, "=SUM(B2:B4)", money, 2850.5)
    sales.write_formula(5, 1, '=IF(B5>1000,"alto","basso")', None, "alto")
    sales.write_comment("A2", "Controllare il dato di Milano.", {"author": "Maria Rossi"})
    sales.write_rich_string("A8", "Il dato di ", bold, "Roma", " è provvisorio.")
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "=Vendite!$B$1", "categories": "=Vendite!$A$2:$A$4",
                      "values": "=Vendite!$B$2:$B$4"})
    chart.set_title({"name": "Vendite per città"})
    sales.insert_chart("E2", chart)
    notes = book.add_worksheet("Note")
    notes.merge_range("A1:C1", "Relazione annuale della società", bold)
    notes.write_string("A2", "Il bilancio è stato approvato il 12 aprile.")
    notes.write_number("A3", 3.14)
    summary = book.add_worksheet("Riepilogo")
    summary.write_string("A1", "Riepilogo generale")
    summary.write_formula("A2", "=Vendite!B5", None, 2850.5)
    summary.write_string("A3", "Milano")  # the same string as on the first sheet: shared
    book.close()
    return out.getvalue()
