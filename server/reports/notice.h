// The public results notice (成绩公示) as a printable HTML page: per trade the
// ranked results, the publication period, and signature lines for the chief
// judge and the supervisor. Chromium prints it to PDF.
#ifndef PODIUM_SERVER_REPORTS_NOTICE_H_
#define PODIUM_SERVER_REPORTS_NOTICE_H_

#include <string>
#include <string_view>

#include "server/reports/report.h"

namespace podium::reports {

struct NoticeOptions {
  std::string publish_from;  // "2026-11-23"; empty: a blank to fill in by hand
  std::string publish_to;
  std::string issuer;  // who publishes it; empty: 竞赛组委会
};

// One section (printed page) per "results-*" sheet of `book`; a provisional
// workbook says so on every printed page. Deterministic.
std::string ResultsNoticeHtml(const Workbook& book, const NoticeOptions& options);

// `text` with &, <, >, " and ' escaped for HTML.
std::string HtmlEscaped(std::string_view text);

}  // namespace podium::reports

#endif  // PODIUM_SERVER_REPORTS_NOTICE_H_
