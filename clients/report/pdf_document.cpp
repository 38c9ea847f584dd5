// See pdf_document.hpp.
#include "clients/report/pdf_document.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "clients/report/code128.hpp"
#include "clients/report/render.hpp"
#include "clients/report/report_text.hpp"

namespace stampd::report {
namespace {

constexpr float row_height = 13;    // a table row of one line
constexpr float line_step = 10.5f;  // each further line of a wrapped cell
constexpr float table_size = 8.5f;
constexpr float footer_y = 30;
constexpr float bottom_y = 50;  // nothing but the footer below this baseline
constexpr float cell_padding = 4;
constexpr float quiet_zone_modules = 10;  // Code 128's blank margin either side of the bars
constexpr float module_width_max = 1.0f;  // points: a bar module no wider than this

void error_handler(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
    static_cast<pdf_document*>(user)->on_error(error, detail);
}

bool readable(const std::string& path, std::string& why) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        why = std::strerror(errno);
        return false;
    }
    std::fclose(file);
    return true;
}

// `text` cut at its newlines.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    // Bounded by the text: each pass takes one line.
    while (true) {
        const std::size_t end = text.find('\n', at);
        out.push_back(text.substr(at, end == std::string_view::npos ? end : end - at));
        if (end == std::string_view::npos) return out;
        at = end + 1;
    }
}

}  // namespace

std::string font_dir() {
    const char* dir = std::getenv("STAMPD_FONT_DIR");
    return dir != nullptr && *dir != '\0' ? dir : "/usr/share/fonts/truetype/dejavu";
}

pdf_document::pdf_document(std::string_view title, std::string footer, bool draft) {
    _pdf = HPDF_New(error_handler, this);
    assert(_pdf != nullptr);  // only fails when out of memory
    HPDF_SetCompressionMode(_pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(_pdf);
    HPDF_SetCurrentEncoder(_pdf, "UTF-8");
    HPDF_SetInfoAttr(_pdf, HPDF_INFO_TITLE, valid_utf8(title).c_str());
    HPDF_SetInfoAttr(_pdf, HPDF_INFO_CREATOR, "stamp-report");
    const std::string dir = font_dir();
    for (const auto& [file, font] :
         {std::pair{"/DejaVuSans.ttf", &_regular}, std::pair{"/DejaVuSans-Bold.ttf", &_bold}}) {
        const std::string path = dir + file;
        std::string why;
        if (!readable(path, why)) {
            _failure = "cannot read the font " + path + ": " + why +
                       " (install fonts-dejavu-core, or set STAMPD_FONT_DIR to a directory "
                       "holding DejaVuSans.ttf and DejaVuSans-Bold.ttf)";
            break;
        }
        // Embedded: the document prints the same on a machine without the font.
        const char* name = HPDF_LoadTTFontFromFile(_pdf, path.c_str(), HPDF_TRUE);
        if (name != nullptr) *font = HPDF_GetFont(_pdf, name, "UTF-8");
        if (*font == nullptr) {
            _failure = "cannot load the font " + path + " (libharu error)";
            break;
        }
    }
    _documents.push_back({.first_page = 0, .footer = std::move(footer), .draft = draft});
    new_page();
}

pdf_document::~pdf_document() {
    HPDF_Free(_pdf);
}

void pdf_document::on_error(HPDF_STATUS error, HPDF_STATUS detail) {
    if (_error == 0) _error = error, _detail = detail;
}

void pdf_document::begin_document(std::string footer, bool draft) {
    _in_table = false;
    _columns.clear();
    _documents.push_back(
        {.first_page = _pages.size(), .footer = std::move(footer), .draft = draft});
    new_page();
}

void pdf_document::new_page() {
    _page = HPDF_AddPage(_pdf);
    HPDF_Page_SetSize(_page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
    _pages.push_back(_page);
    // Drawn first, so that the text lies over it.
    if (_documents.back().draft) watermark(_page);
    _y = page_height - margin;
    if (_in_table) table_header();
}

// DRAFT is drawn as strokes, not set as text: the word is for the eye, and a reader of the
// text layer (pdftotext, a screen reader, a copy and paste) gets the document without it.
void pdf_document::watermark(HPDF_Page page) {
    constexpr float scale = 105;         // points a unit: letters 1.4 units high
    constexpr float word_width = 5.05f;  // units, D R A F T with their gaps
    const float angle = std::atan2(page_height, page_width);  // corner to corner
    const float c = std::cos(angle), s = std::sin(angle);
    HPDF_Page_GSave(page);
    // The word's centre, (word_width / 2, 0.7), at the page's centre.
    HPDF_Page_Concat(page, scale * c, scale * s, -scale * s, scale * c,
                     page_width / 2 - scale * (word_width / 2 * c - 0.7f * s),
                     page_height / 2 - scale * (word_width / 2 * s + 0.7f * c));
    HPDF_Page_SetGrayStroke(page, 0.86f);
    HPDF_Page_SetLineWidth(page, 0.24f);
    HPDF_Page_SetLineCap(page, HPDF_ROUND_END);
    HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN);
    const auto stroke = [page](float x, std::initializer_list<std::pair<float, float>> points) {
        bool first = true;
        for (const auto& [u, v] : points) {
            if (first)
                HPDF_Page_MoveTo(page, x + u, v);
            else
                HPDF_Page_LineTo(page, x + u, v);
            first = false;
        }
    };
    // D
    stroke(0, {{0.45f, 0}, {0, 0}, {0, 1.4f}, {0.45f, 1.4f}});
    HPDF_Page_CurveTo(page, 1.0f, 1.4f, 1.0f, 0, 0.45f, 0);
    // R
    stroke(1.15f, {{0, 0}, {0, 1.4f}, {0.45f, 1.4f}});
    HPDF_Page_CurveTo(page, 1.15f + 0.9f, 1.4f, 1.15f + 0.9f, 0.72f, 1.15f + 0.45f, 0.72f);
    stroke(1.15f, {{0.45f, 0.72f}, {0, 0.72f}});
    stroke(1.15f, {{0.4f, 0.72f}, {0.85f, 0}});
    // A
    stroke(2.25f, {{0, 0}, {0.45f, 1.4f}, {0.9f, 0}});
    stroke(2.25f, {{0.17f, 0.5f}, {0.73f, 0.5f}});
    // F
    stroke(3.4f, {{0, 0}, {0, 1.4f}, {0.75f, 1.4f}});
    stroke(3.4f, {{0, 0.75f}, {0.6f, 0.75f}});
    // T
    stroke(4.15f, {{0, 1.4f}, {0.9f, 1.4f}});
    stroke(4.15f, {{0.45f, 1.4f}, {0.45f, 0}});
    HPDF_Page_Stroke(page);
    HPDF_Page_GRestore(page);
}

void pdf_document::ensure_room(float height) {
    if (_y - height < bottom_y) new_page();
}

float pdf_document::width_of(std::string_view utf8, bool bold, float size) {
    HPDF_Font font = bold ? _bold : _regular;
    if (font == nullptr) return static_cast<float>(utf8.size()) * size * 0.55f;
    HPDF_Page_SetFontAndSize(_page, font, size);
    return HPDF_Page_TextWidth(_page, std::string{utf8}.c_str());
}

void pdf_document::draw_text(float x, float y, std::string_view utf8, bool bold, float size) {
    HPDF_Font font = bold ? _bold : _regular;
    if (font == nullptr) return;  // save() says why
    const std::string text = valid_utf8(utf8);
    HPDF_Page_BeginText(_page);
    HPDF_Page_SetFontAndSize(_page, font, size);
    HPDF_Page_TextOut(_page, x, y, text.c_str());
    HPDF_Page_EndText(_page);
}

std::vector<std::string> pdf_document::wrap(std::string_view text, bool bold, float size,
                                            float width) {
    std::vector<std::string> out;
    const auto fits = [&](const std::string& s) { return width_of(s, bold, size) <= width; };
    for (const std::string_view raw : split_lines(text)) {
        const std::string paragraph = valid_utf8(raw);
        std::string current;
        std::size_t at = 0;
        // Bounded by the paragraph: each pass takes one word.
        while (at <= paragraph.size()) {
            std::size_t end = paragraph.find(' ', at);
            if (end == std::string::npos) end = paragraph.size();
            const std::string word = paragraph.substr(at, end - at);
            at = end + 1;
            if (word.empty()) continue;
            const std::string candidate = current.empty() ? word : current + " " + word;
            if (fits(candidate)) {
                current = candidate;
                continue;
            }
            if (!current.empty()) out.push_back(std::move(current));
            current.clear();
            // A word wider than the column (a long barcode) is broken between its characters,
            // never cut short.
            for (std::size_t i = 0; i < word.size();) {
                const std::size_t length = std::max<std::size_t>(1, utf8_sequence_length(word, i));
                const std::string next = current + word.substr(i, length);
                if (!current.empty() && !fits(next)) {
                    out.push_back(std::move(current));
                    current = word.substr(i, length);
                } else {
                    current = next;
                }
                i += length;
            }
        }
        out.push_back(std::move(current));
    }
    return out;
}

void pdf_document::rule(float y, float width) {
    HPDF_Page_SetLineWidth(_page, 0.5f);
    HPDF_Page_MoveTo(_page, margin, y);
    HPDF_Page_LineTo(_page, margin + width, y);
    HPDF_Page_Stroke(_page);
}

void pdf_document::title(std::string_view text) {
    for (const std::string& piece : wrap(text, true, 16, text_width)) {
        ensure_room(28);
        _y -= 18;
        draw_text(margin, _y, piece, true, 16);
    }
    _y -= 10;
}

void pdf_document::heading(std::string_view text) {
    ensure_room(34);
    _y -= 6;
    for (const std::string& piece : wrap(text, true, 12, text_width)) {
        ensure_room(16);
        _y -= 14;
        draw_text(margin, _y, piece, true, 12);
    }
    _y -= 8;
}

void pdf_document::line(std::string_view text, bool bold, float size) {
    for (const std::string& piece : wrap(text, bold, size, text_width)) {
        ensure_room(size + 4);
        _y -= size + 4;
        draw_text(margin, _y, piece, bold, size);
    }
}

void pdf_document::paragraph(std::string_view text, float size) {
    line(text, false, size);
}

void pdf_document::field(std::string_view label, std::string_view value) {
    constexpr float size = 9.5f;
    const std::string label_text = std::string{label} + ": ";
    const float indent = std::min(width_of(label_text, true, size), text_width / 2);
    const std::vector<std::string> pieces = wrap(value, false, size, text_width - indent);
    ensure_room(row_height);
    _y -= row_height;
    draw_text(margin, _y, label_text, true, size);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0) {
            ensure_room(row_height);
            _y -= row_height;
        }
        draw_text(margin + indent, _y, pieces[i], false, size);
    }
}

void pdf_document::two_blocks(std::string_view left_heading, const std::vector<std::string>& left,
                              std::string_view right_heading,
                              const std::vector<std::string>& right) {
    constexpr float size = 9.5f, step = 12, gap = 20;
    constexpr float width = (text_width - gap) / 2;
    std::vector<std::string> sides[2];
    for (int side = 0; side < 2; ++side) {
        for (const std::string& text : side == 0 ? left : right) {
            for (std::string& piece : wrap(text, false, size, width))
                sides[side].push_back(std::move(piece));
        }
    }
    const std::size_t lines = 1 + std::max(sides[0].size(), sides[1].size());
    ensure_room(step * static_cast<float>(lines) + 4);
    const float top = _y;
    const std::string_view headings[2] = {left_heading, right_heading};
    for (int side = 0; side < 2; ++side) {
        const float x = margin + static_cast<float>(side) * (width + gap);
        float y = top - step;
        draw_text(x, y, headings[side], true, size);
        for (const std::string& piece : sides[side]) {
            y -= step;
            draw_text(x, y, piece, false, size);
        }
    }
    _y = top - step * static_cast<float>(lines) - 4;
}

void pdf_document::space(float points) {
    _y -= points;
    if (_y < bottom_y) new_page();
}

void pdf_document::statement_line(std::string_view label, std::string_view figure, bool bold) {
    constexpr float size = 10, gap = 24;
    const float figure_width = width_of(figure, bold, size);
    const std::vector<std::string> pieces =
        wrap(label, bold, size, text_width - 10 - figure_width - gap);
    ensure_room(row_height + 2 + line_step * static_cast<float>(pieces.size() - 1));
    _y -= row_height + 2;
    draw_text(page_width - margin - figure_width, _y, figure, bold, size);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0) _y -= line_step + 1;
        draw_text(margin + 10, _y, pieces[i], bold, size);
    }
}

void pdf_document::signature_lines(const std::vector<std::string>& labels) {
    assert(!labels.empty());
    constexpr float gap = 24, above = 30;
    const float width = (text_width - gap * static_cast<float>(labels.size() - 1)) /
                        static_cast<float>(labels.size());
    ensure_room(above + 14);
    _y -= above;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const float x = margin + static_cast<float>(i) * (width + gap);
        HPDF_Page_SetLineWidth(_page, 0.5f);
        HPDF_Page_MoveTo(_page, x, _y);
        HPDF_Page_LineTo(_page, x + width, _y);
        HPDF_Page_Stroke(_page);
        draw_text(x, _y - 10, labels[i], false, 7.5f);
    }
    _y -= 14;
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
    std::vector<std::vector<std::string>> titles;
    std::size_t lines = 1;
    for (const column& c : _columns) {
        titles.push_back(wrap(c.title, true, table_size, c.width - 2 * cell_padding));
        lines = std::max(lines, titles.back().size());
    }
    _y -= row_height;
    float x = margin, total = 0;
    for (std::size_t i = 0; i < _columns.size(); ++i) {
        const column& c = _columns[i];
        for (std::size_t k = 0; k < titles[i].size(); ++k) {
            const float w = width_of(titles[i][k], true, table_size);
            const float at =
                c.how == align::left ? x + cell_padding : x + c.width - cell_padding - w;
            draw_text(at, _y - line_step * static_cast<float>(k), titles[i][k], true, table_size);
        }
        x += c.width;
        total += c.width;
    }
    _y -= line_step * static_cast<float>(lines - 1);
    rule(_y - 4, total);
    _y -= 3;
}

void pdf_document::row(const std::vector<std::string>& cells, bool bold, bool rule_above) {
    table_row(cells, bold, rule_above, cells.size(), {}, 0);
}

bool pdf_document::row_with_barcode(const std::vector<std::string>& cells,
                                    std::size_t symbol_column, std::string_view barcode) {
    assert(symbol_column < cells.size());
    code128_bars symbol;
    std::string error;
    if (!encode_code128(barcode, symbol, error)) {
        if (_failure.empty()) _failure = error;
        table_row(cells, false, false, cells.size(), {}, 0);
        return false;
    }
    table_row(cells, false, false, symbol_column, symbol.bars, symbol.width);
    return true;
}

void pdf_document::table_row(const std::vector<std::string>& cells, bool bold, bool rule_above,
                             std::size_t symbol_column, const std::vector<float>& bars,
                             float bars_width) {
    assert(_in_table && cells.size() == _columns.size());
    constexpr float symbol_gap = 3;
    std::vector<std::vector<std::string>> pieces;
    float height = row_height;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        pieces.push_back(wrap(cells[i], bold, table_size, _columns[i].width - 2 * cell_padding));
        float h = row_height + line_step * static_cast<float>(pieces.back().size() - 1);
        if (i == symbol_column) h += barcode_height + symbol_gap;
        height = std::max(height, h);
    }
    ensure_room(height);
    const float top = _y;
    float x = margin, total = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const column& c = _columns[i];
        float first = top - row_height;
        if (i == symbol_column) {
            const float room = c.width - 2 * cell_padding;
            const float module =
                std::min(module_width_max, room / (bars_width + 2 * quiet_zone_modules));
            const float left = x + cell_padding + quiet_zone_modules * module;
            const float bottom = top - symbol_gap - barcode_height;
            for (std::size_t k = 0; k + 1 < bars.size(); k += 2)
                HPDF_Page_Rectangle(_page, left + bars[k] * module, bottom, bars[k + 1] * module,
                                    barcode_height);
            HPDF_Page_Fill(_page);
            first -= barcode_height + symbol_gap;
        }
        for (std::size_t k = 0; k < pieces[i].size(); ++k) {
            const float w = width_of(pieces[i][k], bold, table_size);
            const float at =
                c.how == align::left ? x + cell_padding : x + c.width - cell_padding - w;
            draw_text(at, first - line_step * static_cast<float>(k), pieces[i][k], bold,
                      table_size);
        }
        x += c.width;
        total += c.width;
    }
    if (rule_above) rule(top - 3, total);
    _y = top - height;
}

void pdf_document::end_table() {
    _in_table = false;
    _columns.clear();
    _y -= 4;
}

bool pdf_document::save(const std::string& path, std::string& error) {
    if (!_failure.empty()) {
        error = "cannot write the PDF " + path + ": " + _failure;
        return false;
    }
    // Each document's pages are numbered on their own: a file of invoices holds "Page 1 of 1"
    // for each one-page invoice.
    for (std::size_t d = 0; d < _documents.size(); ++d) {
        const std::size_t first = _documents[d].first_page;
        const std::size_t end =
            d + 1 < _documents.size() ? _documents[d + 1].first_page : _pages.size();
        for (std::size_t i = first; i < end; ++i) {
            _page = _pages[i];
            HPDF_Page_SetGrayStroke(_page, 0.6f);
            HPDF_Page_SetLineWidth(_page, 0.5f);
            HPDF_Page_MoveTo(_page, margin, footer_y + 10);
            HPDF_Page_LineTo(_page, page_width - margin, footer_y + 10);
            HPDF_Page_Stroke(_page);
            const std::string number =
                "Page " + std::to_string(i - first + 1) + " of " + std::to_string(end - first);
            const float number_width = width_of(number, false, 7);
            // The footer wraps left of the page number, a long one downwards.
            const std::vector<std::string> pieces =
                wrap(_documents[d].footer, false, 7, text_width - number_width - 12);
            for (std::size_t k = 0; k < pieces.size(); ++k) {
                const float y = footer_y - 8.5f * static_cast<float>(k);
                draw_text(margin, y, pieces[k], false, 7);
            }
            draw_text(page_width - margin - number_width, footer_y, number, false, 7);
        }
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
