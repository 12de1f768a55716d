#include "server/reports/notice.h"

#include <string>

namespace podium::reports {

namespace {

// Print layout: A4 landscape, one trade per page, a fixed banner that
// Chromium repeats on every printed page when the results are provisional.
constexpr char kStyle[] = R"(
@page { size: A4 landscape; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", sans-serif;
       color: #000; margin: 0; font-size: 11pt; }
section { page-break-after: always; padding: 0 4mm; }
section:last-of-type { page-break-after: auto; }
h1 { text-align: center; font-size: 18pt; margin: 4mm 0 1mm; letter-spacing: 0.1em; }
h2 { text-align: center; font-size: 13pt; font-weight: normal; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
th, td { border: 1px solid #000; padding: 1.2mm 2mm; }
th { background: #eee; font-weight: bold; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.center { text-align: center; }
.period { margin: 5mm 0 2mm; line-height: 1.8; }
.signatures { display: flex; justify-content: space-between; margin-top: 10mm; }
.signatures div { min-width: 60mm; }
.issuer { text-align: right; margin-top: 8mm; line-height: 1.8; }
.provisional { position: fixed; top: 0; right: 0; border: 2px solid #c00; color: #c00;
               font-weight: bold; padding: 1mm 3mm; }
.watermark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 60pt;
             color: rgba(200, 0, 0, 0.12); transform: rotate(-20deg); pointer-events: none; }
)";

// The notice leaves out the team column; everything else of the results sheet shows.
bool Shown(const Column& column) { return column.id != "team"; }

std::string CellClass(const Column& column) {
  if (column.kind == Column::Kind::kScore) return " class=\"num\"";
  if (column.kind == Column::Kind::kInteger || column.id == "bib") return " class=\"center\"";
  return "";
}

std::string Period(const NoticeOptions& options) {
  const std::string from = options.publish_from.empty() ? "____年__月__日" : options.publish_from;
  const std::string to = options.publish_to.empty() ? "____年__月__日" : options.publish_to;
  return "公示期：" + HtmlEscaped(from) + " 至 " + HtmlEscaped(to) +
         "。公示期内如有异议，请以书面形式向竞赛组委会反映，逾期不予受理。<br>"
         "Publication period: " +
         HtmlEscaped(from) + " to " + HtmlEscaped(to) +
         ". Objections in writing to the organizing committee within this period.";
}

void AppendSection(const Sheet& sheet, const Workbook& book, const NoticeOptions& options,
                   std::string& out) {
  out += "<section data-sheet=\"" + HtmlEscaped(sheet.id) + "\">\n";
  out += "<h1>" + HtmlEscaped(book.competition_name) + "<br>成绩公示</h1>\n";
  out += "<h2>" + HtmlEscaped(sheet.title) + " · Results notice</h2>\n";
  out += "<table>\n<thead><tr>";
  for (const Column& column : sheet.columns) {
    if (Shown(column)) out += "<th>" + HtmlEscaped(column.header) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const std::vector<Cell>& row : sheet.rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      if (!Shown(sheet.columns[c])) continue;
      out += "<td" + CellClass(sheet.columns[c]) + ">" +
             HtmlEscaped(CellText(row[c], book.precision)) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  out += "<p class=\"period\">" + Period(options) + "</p>\n";
  out +=
      "<div class=\"signatures\"><div>裁判长（签字）Chief judge：</div>"
      "<div>监督员（签字）Supervisor：</div></div>\n";
  const std::string issuer = options.issuer.empty() ? "竞赛组委会" : options.issuer;
  out += "<div class=\"issuer\">" + HtmlEscaped(issuer) + "<br>" +
         (options.publish_from.empty() ? "____年__月__日" : HtmlEscaped(options.publish_from)) +
         "</div>\n";
  out += "</section>\n";
}

}  // namespace

std::string HtmlEscaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ResultsNoticeHtml(const Workbook& book, const NoticeOptions& options) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      HtmlEscaped(book.competition_name) + " 成绩公示</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n";
  if (book.provisional) {
    out += "<div class=\"provisional\" data-testid=\"provisional\">" +
           HtmlEscaped(kProvisionalNotice) + "</div>\n<div class=\"watermark\">暂定成绩</div>\n";
  }
  for (const Sheet& sheet : book.sheets) {
    if (sheet.id.rfind("results-", 0) == 0) AppendSection(sheet, book, options, out);
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace podium::reports
