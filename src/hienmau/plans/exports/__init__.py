"""The plan's appendix as an official document: xlsx, docx and pdf.

Layout follows Decree 30/2020/NĐ-CP (core.lib.documents: Times New Roman, the motto, margins, the
place-and-date line; A4 landscape for tables): the issuing body and the document number on the left, the
national motto on the right, then "PHỤ LỤC", the title, the "(Kèm theo …)" line and the table.

`appendix.build_appendix` turns a plan into plain data (header lines, columns, rows with their values and
subtotals); the renderers, one module per format, only lay that data out. Numbers are shown as stored: a
row whose total is blank stays blank, and sums are sums of what the rows say (never corrected silently).
"""

from hienmau.plans.exports.appendix import Appendix, build_appendix
from hienmau.plans.exports.pdf import appendix_html, appendix_pdf
from hienmau.plans.exports.spreadsheet import appendix_xlsx
from hienmau.plans.exports.word import appendix_docx

__all__ = ["Appendix", "appendix_docx", "appendix_html", "appendix_pdf", "appendix_xlsx", "build_appendix"]
