// See pdf_document.hpp.
#include "clients/report/pdf_document.hpp"

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "clients/report/render.hpp"
#include "clients/report/report_text.hpp"

namespace stampd::report {
namespace {

constexpr float row_height = 13;
constexpr float table_size = 8.5f;
constexpr float footer_y = 30;
constexpr float bottom_y = 50;  // nothing but the footer below this baseline
constexpr float cell_padding = 4;

void error_handler(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
    static_cast<pdf_document*>(user)->on_error(error, detail);
}

}  // namespace

pdf_document::pdf_document(std::string_view title, std::string footer)
    : _footer(std::move(footer)) {
    _pdf = HPDF_New(error_handler, this);
    assert(_pdf != nullptr);  // only fails when out of memory
    HPDF_SetCompressionMode(_pdf, HPDF_COMP_ALL);
    HPDF_SetInfoAttr(_pdf, HPDF_INFO_TITLE, to_win1252(title).c_str());
    HPDF_SetInfoAttr(_pdf, HPDF_INFO_CREATOR, "stamp-report");
    _regular = HPDF_GetFont(_pdf, "Helvetica", "WinAnsiEncoding");
    _bold = HPDF_GetFont(_pdf, "Helvetica-Bold", "WinAnsiEncoding");
    new_page();
}

pdf_document::~pdf_document() {
    HPDF_Free(_pdf);
}

void pdf_document::on_error(HPDF_STATUS error, HPDF_STATUS detail) {
    if (_error == 0) _error = error, _detail = detail;
}

void pdf_document::new_page() {
    _page = HPDF_AddPage(_pdf);
    HPDF_Page_SetSize(_page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
    _pages.push_back(_page);
    _y = page_height - margin;
    if (_in_table) table_header();
}

void pdf_document::ensure_room(float height) {
    if (_y - height < bottom_y) new_page();
}

float pdf_document::width_of(std::string_view win1252, bool bold, float size) {
    HPDF_Page_SetFontAndSize(_page, bold ? _bold : _regular, size);
    return HPDF_Page_TextWidth(_page, std::string{win1252}.c_str());
}

void pdf_document::draw_text(float x, float y, std::string_view utf8, bool bold, float size) {
    const std::string text = to_win1252(utf8);
    HPDF_Page_BeginText(_page);
    HPDF_Page_SetFontAndSize(_page, bold ? _bold : _regular, size);
    HPDF_Page_TextOut(_page, x, y, text.c_str());
    HPDF_Page_EndText(_page);
}

void pdf_document::rule(float y, float width) {
    HPDF_Page_SetLineWidth(_page, 0.5f);
    HPDF_Page_MoveTo(_page, margin, y);
    HPDF_Page_LineTo(_page, margin + width, y);
    HPDF_Page_Stroke(_page);
}

void pdf_document::title(std::string_view text) {
    ensure_room(28);
    _y -= 16;
    draw_text(margin, _y, text, true, 16);
    _y -= 12;
}

void pdf_document::heading(std::string_view text) {
    ensure_room(34);
    _y -= 20;
    draw_text(margin, _y, text, true, 12);
    _y -= 8;
}

void pdf_document::line(std::string_view text, bool bold, float size) {
    ensure_room(size + 4);
    _y -= size + 4;
    draw_text(margin, _y, text, bold, size);
}

void pdf_document::paragraph(std::string_view text, float size) {
    std::string current;
    std::size_t at = 0;
    // Bounded by the text: each pass takes one word.
    while (at < text.size()) {
        const std::size_t space = text.find(' ', at);
        const std::size_t end = space == std::string_view::npos ? text.size() : space;
        const std::string_view word = text.substr(at, end - at);
        const std::string candidate =
            current.empty() ? std::string{word} : current + " " + std::string{word};
        if (!current.empty() && width_of(to_win1252(candidate), false, size) > text_width) {
            line(current, false, size);
            current = std::string{word};
        } else {
            current = candidate;
        }
        at = end + 1;
    }
    if (!current.empty()) line(current, false, size);
}

void pdf_document::field(std::string_view label, std::string_view value) {
    ensure_room(row_height);
    _y -= row_height;
    const std::string label_text = std::string{label} + ": ";
    draw_text(margin, _y, label_text, true, 9.5f);
    draw_text(margin + width_of(to_win1252(label_text), true, 9.5f), _y, value, false, 9.5f);
}

void pdf_document::space(float points) {
    _y -= points;
    if (_y < bottom_y) new_page();
}

void pdf_document::statement_line(std::string_view label, std::string_view figure, bool bold) {
    constexpr float size = 10, gap = 24;
    ensure_room(row_height + 2);
    _y -= row_height + 2;
    const std::string figure_text = to_win1252(figure);
    const float figure_width = width_of(figure_text, bold, size);
    std::string label_text = to_win1252(label);
    const float room = text_width - 10 - figure_width - gap;
    while (!label_text.empty() && width_of(label_text, bold, size) > room)
        label_text.pop_back();
    HPDF_Page_BeginText(_page);
    HPDF_Page_SetFontAndSize(_page, bold ? _bold : _regular, size);
    HPDF_Page_TextOut(_page, margin + 10, _y, label_text.c_str());
    HPDF_Page_TextOut(_page, page_width - margin - figure_width, _y, figure_text.c_str());
    HPDF_Page_EndText(_page);
}

void pdf_document::begin_table(std::vector<column> columns) {
    float total = 0;
    for (const column& c : columns)
        total += c.width;
    assert(total <= text_width + 0.5f);
    _columns = std::move(columns);
    ensure_room(3 * row_height);
    _in_table = true;
    table_header();
}

void pdf_document::table_header() {
    _y -= row_height;
    float x = margin, total = 0;
    for (const column& c : _columns) {
        const std::string text = to_win1252(c.title);
        const float w = width_of(text, true, table_size);
        const float at = c.how == align::left ? x + cell_padding : x + c.width - cell_padding - w;
        draw_text(at, _y, c.title, true, table_size);
        x += c.width;
        total += c.width;
    }
    rule(_y - 4, total);
    _y -= 3;
}

void pdf_document::row(const std::vector<std::string>& cells, bool bold, bool rule_above) {
    assert(_in_table && cells.size() == _columns.size());
    ensure_room(row_height);
    _y -= row_height;
    float x = margin, total = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const column& c = _columns[i];
        std::string text = to_win1252(cells[i]);
        // Clip what does not fit, keeping the start: a cell never runs into its neighbour.
        while (!text.empty() && width_of(text, bold, table_size) > c.width - 2 * cell_padding)
            text.pop_back();
        const float w = width_of(text, bold, table_size);
        const float at = c.how == align::left ? x + cell_padding : x + c.width - cell_padding - w;
        HPDF_Page_BeginText(_page);
        HPDF_Page_SetFontAndSize(_page, bold ? _bold : _regular, table_size);
        HPDF_Page_TextOut(_page, at, _y, text.c_str());
        HPDF_Page_EndText(_page);
        x += c.width;
        total += c.width;
    }
    if (rule_above) rule(_y + row_height - 3, total);
}

void pdf_document::end_table() {
    _in_table = false;
    _columns.clear();
    _y -= 4;
}

bool pdf_document::save(const std::string& path, std::string& error) {
    const std::size_t count = _pages.size();
    for (std::size_t i = 0; i < count; ++i) {
        _page = _pages[i];
        HPDF_Page_SetGrayStroke(_page, 0.6f);
        HPDF_Page_SetLineWidth(_page, 0.5f);
        HPDF_Page_MoveTo(_page, margin, footer_y + 10);
        HPDF_Page_LineTo(_page, page_width - margin, footer_y + 10);
        HPDF_Page_Stroke(_page);
        draw_text(margin, footer_y, _footer, false, 7);
        const std::string number = "Page " + std::to_string(i + 1) + " of " + std::to_string(count);
        draw_text(page_width - margin - width_of(number, false, 7), footer_y, number, false, 7);
    }
    // Written beside, then renamed: a reader never sees half a document.
    const bool in_place = !replaced_by_rename(path);
    const std::string temporary = in_place ? path : path + ".partial";
    if (_error == 0) HPDF_SaveToFile(_pdf, temporary.c_str());
    if (_error == 0 && !in_place && std::rename(temporary.c_str(), path.c_str()) != 0) {
        error = "cannot rename " + temporary + " to " + path + ": " + std::strerror(errno);
        std::remove(temporary.c_str());
        return false;
    }
    if (_error != 0) {
        if (!in_place) std::remove(temporary.c_str());
        char text[96];
        std::snprintf(text, sizeof text, "libharu error 0x%04X (detail %u)",
                      static_cast<unsigned>(_error), static_cast<unsigned>(_detail));
        error = "cannot write the PDF " + path + ": " + text;
        return false;
    }
    return true;
}

}  // namespace stampd::report
