"""Real-shaped office documents built in the tests: a deck, a workbook, ODF, an EPUB, a PDF."""

from __future__ import annotations

import datetime
import io
import zipfile

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
        if number == 8:
            from pptx.chart.data import CategoryChartData
            from pptx.enum.chart import XL_CHART_TYPE

            data = CategoryChartData()
            data.categories = ["Personale", "Affitti"]
            data.add_series("Spese", (1.5, 0.7))
            chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(3),
                                           Inches(6), Inches(3), data).chart
            chart.has_title = True
            chart.chart_title.text_frame.text = "Spese previste"
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


_ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
           'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
           'xmlns:xlink="http://www.w3.org/1999/xlink" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
           'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
           'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
           'office:version="1.3"')
_AUTO = ('<office:automatic-styles><style:style style:name="T1" style:family="text">'
         '<style:text-properties fo:font-weight="bold"/></style:style>'
         '<style:style style:name="T2" style:family="text">'
         '<style:text-properties fo:font-style="italic"/></style:style></office:automatic-styles>')


def _odf(mimetype: str, content_body: str, styles_master: str = "") -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODF_NS}>'
               f'{_AUTO}<office:body>{content_body}</office:body></office:document-content>')
    styles = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_ODF_NS}>'
              '<office:styles/><office:automatic-styles/>'
              f'<office:master-styles>{styles_master}</office:master-styles>'
              '</office:document-styles>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("styles.xml", styles, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build_odt() -> bytes:
    """A text document: heading, bold and italic spans, a link, a list, a table, two
    footnotes (one with a bold word), a text box, spaces, tabs, a bookmark, header, footer."""
    body = (
        '<office:text><text:sequence-decls><text:sequence-decl text:display-outline-level="0" '
        'text:name="Illustration"/></text:sequence-decls>'
        '<text:h text:outline-level="1">Relazione sul progetto</text:h>'
        '<text:p>Il progetto è stato <text:span text:style-name="T1">completato</text:span> '
        'in anticipo a Milano.<text:note text:id="ftn1" text:note-class="footnote">'
        '<text:note-citation>1</text:note-citation><text:note-body><text:p>Una nota '
        '<text:span text:style-name="T1">importante</text:span> a piè di pagina.</text:p>'
        '</text:note-body></text:note> Il budget è stato rispettato.</text:p>'
        '<text:p>Vedi il <text:a xlink:type="simple" xlink:href="https://example.com/r">rapporto '
        'completo</text:a> per i dettagli.<text:bookmark text:name="qui"/></text:p>'
        '<text:p>Prima colonna<text:tab/>seconda colonna e  <text:s text:c="2"/>spazi.</text:p>'
        '<text:list><text:list-item><text:p>Primo punto dell\'elenco.</text:p></text:list-item>'
        '<text:list-item><text:p>Secondo punto con <text:span text:style-name="T2">corsivo'
        '</text:span>.</text:p></text:list-item></text:list>'
        '<table:table table:name="Tabella1"><table:table-column table:number-columns-repeated="2"/>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Città</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>Vendite</text:p>'
        '</table:table-cell></table:table-row><table:table-row><table:table-cell '
        'office:value-type="string"><text:p>Torino</text:p></table:table-cell><table:table-cell '
        'office:value-type="string"><text:p>700</text:p></table:table-cell></table:table-row>'
        '</table:table>'
        '<text:p>Un riquadro:<draw:frame draw:name="Riquadro1" text:anchor-type="as-char" '
        'svg:width="4cm" svg:height="2cm"><draw:text-box><text:p>Testo nel riquadro.</text:p>'
        '</draw:text-box><svg:title>Il riquadro grigio</svg:title></draw:frame></text:p>'
        '<text:p>Seconda nota qui.<text:note text:id="ftn2" text:note-class="footnote">'
        '<text:note-citation>2</text:note-citation><text:note-body><text:p>Altra nota del '
        'documento.</text:p></text:note-body></text:note></text:p>'
        '</office:text>')
    master = ('<style:master-page style:name="Standard" style:page-layout-name="pm1">'
              '<style:header><text:p>Relazione annuale riservata</text:p></style:header>'
              '<style:footer><text:p>Pagina <text:page-number text:select-page="current">1'
              '</text:page-number> del documento</text:p></style:footer></style:master-page>')
    return _odf("application/vnd.oasis.opendocument.text", body, master)


def build_ods() -> bytes:
    """A spreadsheet: two sheets, string, number, date and formula cells, a merged cell."""
    def cell(text: str, kind: str = "string", extra: str = "") -> str:
        value = {"string": "", "float": f' office:value="{text}"',
                 "date": f' office:date-value="{text}"'}[kind]
        return (f'<table:table-cell office:value-type="{kind}"{value}{extra}>'
                f'<text:p>{text}</text:p></table:table-cell>')

    body = ('<office:spreadsheet><table:table table:name="Vendite">'
            f'<table:table-row>{cell("Città")}{cell("Vendite")}{cell("Data")}</table:table-row>'
            f'<table:table-row>{cell("Milano")}{cell("1200", "float")}'
            f'{cell("2025-03-01", "date")}</table:table-row>'
            '<table:table-row><table:table-cell table:formula="of:=IF([.B2]&gt;1000;&quot;alto'
            '&quot;;&quot;basso&quot;)" office:value-type="string" office:string-value="alto">'
            '<text:p>alto</text:p></table:table-cell>'
            + cell("Totale delle vendite", extra=' table:number-columns-spanned="2"') +
            '<table:covered-table-cell/></table:table-row></table:table>'
            '<table:table table:name="Note"><table:table-row>'
            f'{cell("Il bilancio è stato approvato il 12 aprile.")}</table:table-row>'
            '</table:table></office:spreadsheet>')
    return _odf("application/vnd.oasis.opendocument.spreadsheet", body)


def build_odp() -> bytes:
    """A presentation: two slides with a title and a bold word, speaker notes, a master."""
    def page(number: int, title: str, text: str) -> str:
        return (f'<draw:page draw:name="page{number}" draw:master-page-name="Default">'
                '<draw:frame presentation:class="title" svg:width="20cm" svg:height="3cm">'
                f'<draw:text-box><text:p>{title}</text:p></draw:text-box></draw:frame>'
                '<draw:frame presentation:class="outline" svg:width="20cm" svg:height="9cm">'
                f'<draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame>'
                '<presentation:notes><draw:frame presentation:class="notes"><draw:text-box>'
                f'<text:p>Appunti per la diapositiva {number}.</text:p></draw:text-box>'
                '</draw:frame></presentation:notes></draw:page>')

    body = ('<office:presentation>'
            + page(1, "Relazione trimestrale",
                   'Il fatturato è <text:span text:style-name="T1">cresciuto</text:span> a Roma.')
            + page(2, "Conclusioni", "Grazie per l'attenzione.")
            + '</office:presentation>')
    master = ('<style:master-page style:name="Default" style:page-layout-name="PM1">'
              '<draw:frame presentation:class="title"><draw:text-box><text:p>Titolo del modello'
              '</text:p></draw:text-box></draw:frame></style:master-page>')
    return _odf("application/vnd.oasis.opendocument.presentation", body, master)


CHAPTERS = [
    ("Capitolo primo", "<p>Il treno partì da <b>Milano</b> alle 8:15.</p>"
                       '<p>Maria guardava il lago.<img src="lago.png" alt="Il lago di Como"/></p>'),
    ("Capitolo secondo", "<p>A Roma pioveva da tre giorni.</p><pre>codice 42</pre>"
                         '<p>Vedi <a href="chap_3.xhtml">il capitolo seguente</a>.</p>'),
    ("Capitolo terzo", "<p>La lettera arrivò il <i>12 aprile</i>.</p>"
                       "<ul><li>Primo ricordo.</li><li>Secondo ricordo.</li></ul>"),
]


def build_epub() -> bytes:
    """Three chapters, a nav document and an NCX, a title, an image and a style sheet."""
    import os
    import tempfile

    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("id-libro-1")
    book.set_title("Il viaggio")
    book.set_language("it")
    book.add_author("Anna Bianchi")
    style = epub.EpubItem(uid="style", file_name="style.css", media_type="text/css",
                          content=b"p { margin: 0 }")
    book.add_item(style)
    book.add_item(epub.EpubItem(uid="img", file_name="lago.png", media_type="image/png",
                                content=b"\x89PNG\r\n\x1a\n" + bytes(32)))
    chapters = []
    for number, (title, html) in enumerate(CHAPTERS, start=1):
        chapter = epub.EpubHtml(title=title, file_name=f"chap_{number}.xhtml", lang="it")
        chapter.content = f"<h1>{title}</h1>{html}"
        chapter.add_item(style)
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "libro.epub")
        epub.write_epub(path, book)
        with open(path, "rb") as handle:
            return handle.read()


PDF_PARAGRAPHS = [
    "Il progetto di ricerca è stato avviato a Milano nel marzo 2024 con un finanziamento "
    "di 250.000 euro e ha coinvolto dodici ricercatori di tre università italiane.",
    "La prima fase ha riguardato la raccolta dei dati storici sulle precipitazioni "
    "nella pianura padana, con particolare attenzione agli eventi estremi.",
    "I risultati mostrano un aumento significativo della frequenza delle piogge intense "
    "negli ultimi trent'anni, soprattutto nei mesi autunnali.",
    "Le simulazioni numeriche confermano che l'efficienza delle reti di drenaggio urbano "
    "diminuisce sensibilmente quando le precipitazioni superano i cinquanta millimetri.",
    "Il gruppo di lavoro raccomanda di aggiornare i piani comunali entro il 2026.",
    "Maria Rossi ha coordinato le attività sul campo nella provincia di Cremona.",
]


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, a long word cut with a hyphen at a line's end."""
    lines, line = [], ""
    for word in text.split(" "):
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}".strip()
            continue
        room = width - len(line) - 2
        if room >= 4 and len(word) >= 9:  # hyphenate: "effi-" / "cienza"
            lines.append(f"{line} {word[:room]}-")
            line = word[room:]
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def build_pdf(pages: int = 5, columns_from: int = 2, columns_to: int = 4) -> bytes:
    """A report: a running header and a numbered footer on every page, one-column pages
    and two-column pages, hyphenated words at line ends."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    width, height = A4
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(50, height - 40, "Relazione sul clima 2025 - Istituto di Idrologia")
        pdf.drawString(width / 2 - 30, 30, f"Pagina {number} di {pages}")
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(50, height - 90, f"Sezione {number}: analisi delle piogge")
        pdf.setFont("Helvetica", 10)
        two = columns_from <= number <= columns_to
        frames = [(50, 38), (width / 2 + 10, 38)] if two else [(50, 90)]
        texts = PDF_PARAGRAPHS[number % 2::2] if two else PDF_PARAGRAPHS[:3]
        for column, (x, chars) in enumerate(frames):
            y = height - 130
            for paragraph in (texts[column::2] if two else texts):
                for line in _wrap(paragraph, chars):
                    pdf.drawString(x, y, line)
                    y -= 13
                y -= 18
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def build_scan_pdf() -> bytes:
    """A scanned document: pages with pictures and no text layer."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    for _ in range(2):
        pdf.rect(50, 50, 400, 600, fill=1)
        pdf.showPage()
    pdf.save()
    return out.getvalue()
