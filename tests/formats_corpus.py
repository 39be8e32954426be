"""Real-world-shaped DOCX files, built offline with python-docx and a little raw XML."""

from __future__ import annotations

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t>Una nota a piè di pagina.</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="2"><w:p><w:r><w:t>Un'altra nota.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""

TEXT_BOX = f"""<w:r xmlns:w="{W}" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:pict><w:txbxContent><w:p><w:r><w:t>Testo in una casella</w:t></w:r></w:p></w:txbxContent></w:pict></w:r>"""


def _hyperlink(paragraph, url: str, text: str, bold: bool = False) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    props = "<w:rPr><w:b/><w:u w:val=\"single\"/></w:rPr>" if bold else "<w:rPr><w:u w:val=\"single\"/></w:rPr>"
    paragraph._p.append(parse_xml(
        f'<w:hyperlink xmlns:w="{W}" xmlns:r="{R}" r:id="{rid}"><w:r>{props}'
        f'<w:t xml:space="preserve">{text}</w:t></w:r></w:hyperlink>'))


def build_docx(footnotes: bool = False, text_box: bool = False) -> bytes:
    """A report: headings, styled runs, a link, tabs and breaks, tables, header, footer."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Relazione annuale riservata"
    document.sections[0].footer.paragraphs[0].add_run("Pagina di prova").italic = True
    document.add_heading("Relazione sul progetto", level=1)
    p = document.add_paragraph("Il progetto è stato ")
    p.add_run("completato").bold = True
    p.add_run(" in anticipo. Il ")
    p.add_run("budget").italic = True
    p.add_run(" è stato rispettato.")
    p = document.add_paragraph("Frase spezzata ")
    p.add_run("in più run ")  # same formatting, two runs: kept as two runs
    p.add_run("con la stessa forma.")
    p = document.add_paragraph("Vedi il ")
    _hyperlink(p, "https://example.com/rapporto", "rapporto completo")
    p.add_run(" per i dettagli.")
    p = document.add_paragraph("Colonna A")
    p.add_run().add_tab()
    p.add_run("Colonna B")
    p.add_run().add_break()
    p.add_run("Nuova riga dopo un'interruzione.")
    document.add_paragraph("Primo punto dell'elenco", style="List Bullet")
    document.add_paragraph("Secondo punto dell'elenco", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "Voce"
    table.cell(0, 1).text = "Importo"
    table.cell(1, 0).text = "Spese di viaggio"
    inner = table.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Tabella annidata"
    p = document.add_paragraph("Un ")
    p.add_run("grassetto corsivo").font.bold = True
    p.runs[-1].font.italic = True
    p.add_run(" e un ")
    _hyperlink(p, "https://example.com/x", "link in grassetto", bold=True)
    p.add_run(".")
    p = document.add_paragraph("Vedi la pagina ")
    for xml in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', "<w:t>3</w:t>", '<w:fldChar w:fldCharType="end"/>'):
        p._p.append(parse_xml(f'<w:r xmlns:w="{W}">{xml}</w:r>'))
    p.add_run(" del documento.")
    p = document.add_paragraph()
    for xml in ('<w:r><w:t xml:space="preserve">Il </w:t></w:r>', '<w:proofErr w:type="spellStart"/>',
                "<w:r><w:t>progeto</w:t></w:r>", '<w:proofErr w:type="spellEnd"/>',
                '<w:r><w:t xml:space="preserve"> è </w:t></w:r>',
                '<w:bookmarkStart w:id="0" w:name="_GoBack"/>', "<w:r><w:t>finito</w:t></w:r>",
                '<w:bookmarkEnd w:id="0"/>', "<w:r><w:t>. Davvero.</w:t></w:r>"):
        p._p.append(parse_xml(f'<w:x xmlns:w="{W}">{xml}</w:x>')[0])
    if text_box:
        document.add_paragraph("Prima della casella.")._p.append(parse_xml(TEXT_BOX))
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    return _add_footnotes(data) if footnotes else data


def _add_footnotes(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", (
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>'))
            if item.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdFoot" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>"))
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", FOOTNOTES)
    return out.getvalue()
