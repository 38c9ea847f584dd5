// A report as a PDF (libharu): US Letter pages, the standard Helvetica fonts, text and tables
// laid out top to bottom with page breaks (a table's header is repeated on each new page), and
// the same footer on every page with "page i of n". Text is UTF-8; it is written in
// Windows-1252, the fonts' encoding (report_text.hpp). libharu reports errors through a
// callback: the first one is kept and save() returns it. One thread.
#pragma once

#include <hpdf.h>

#include <string>
#include <string_view>
#include <vector>

namespace stampd::report {

enum class align { left, right };

struct column {
    std::string title;
    float width = 0;  // points; a table's widths add up to at most pdf_document::text_width
    align how = align::left;
};

class pdf_document {
public:
    static constexpr float page_width = 612, page_height = 792;  // US Letter, in points
    static constexpr float margin = 50;
    static constexpr float text_width = page_width - 2 * margin;

    pdf_document(std::string_view title, std::string footer);
    ~pdf_document();
    pdf_document(const pdf_document&) = delete;
    pdf_document& operator=(const pdf_document&) = delete;

    void new_page();
    void title(std::string_view text);    // 16 pt bold
    void heading(std::string_view text);  // 12 pt bold, space above
    void line(std::string_view text, bool bold = false, float size = 9.5f);
    // Text wrapped at word boundaries to the text width.
    void paragraph(std::string_view text, float size = 9.5f);
    // Label in bold, value after it: "Period: 2026Q1".
    void field(std::string_view label, std::string_view value);
    void space(float points);
    // A label on the left and a figure right-aligned at the text's right edge, the seed's
    // statement lines ("= Closing balance 42,150"); a label too long is cut short of the figure.
    void statement_line(std::string_view label, std::string_view figure, bool bold = false);

    void begin_table(std::vector<column> columns);
    // rule_above draws a line before the row (totals).
    void row(const std::vector<std::string>& cells, bool bold = false, bool rule_above = false);
    void end_table();

    // Writes footers and the file; false with `error` on any libharu or file error.
    bool save(const std::string& path, std::string& error);

    // libharu's error callback.
    void on_error(HPDF_STATUS error, HPDF_STATUS detail);

private:
    void ensure_room(float height);
    void draw_text(float x, float y, std::string_view utf8, bool bold, float size);
    float width_of(std::string_view win1252, bool bold, float size);
    void table_header();
    void rule(float y, float width);

    HPDF_Doc _pdf = nullptr;
    HPDF_Font _regular = nullptr, _bold = nullptr;
    HPDF_Page _page = nullptr;
    std::vector<HPDF_Page> _pages;
    std::string _footer;
    float _y = 0;  // the baseline of the next line
    std::vector<column> _columns;
    bool _in_table = false;
    HPDF_STATUS _error = 0, _detail = 0;
};

}  // namespace stampd::report
