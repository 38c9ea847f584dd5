// A report as a PDF (libharu): US Letter pages in DejaVu Sans, a TrueType font embedded with
// Unicode text (French accents, Œ, €: what a name holds prints as it is), laid out top to
// bottom with page breaks (a table's header repeated on each new page). Text wraps, at spaces
// and, inside a word too long for its column, between characters: nothing is ever cut short,
// so a barcode prints whole. A file may hold several documents (one invoice each): each has its
// own footer and its own "Page i of n", and a draft has DRAFT across each of its pages.
// Barcodes print as Code 128 symbols (zint). libharu reports errors through a callback: the
// first one is kept, and save() returns it, as it does a font that cannot be loaded. One thread.
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

// Where the fonts are: $STAMPD_FONT_DIR, else Debian's fonts-dejavu-core.
std::string font_dir();

class pdf_document {
public:
    static constexpr float page_width = 612, page_height = 792;  // US Letter, in points
    static constexpr float margin = 50;
    static constexpr float text_width = page_width - 2 * margin;
    static constexpr float barcode_height = 30;  // a Code 128 symbol's bars, in points

    // The first document of the file begins at once, with `footer` (and DRAFT when `draft`).
    pdf_document(std::string_view title, std::string footer, bool draft = false);
    ~pdf_document();
    pdf_document(const pdf_document&) = delete;
    pdf_document& operator=(const pdf_document&) = delete;

    // Begins the next document of the file on a new page: its pages are numbered from 1 and
    // carry `footer`; a draft's carry DRAFT across them.
    void begin_document(std::string footer, bool draft = false);
    void new_page();
    void title(std::string_view text);    // 16 pt bold
    void heading(std::string_view text);  // 12 pt bold, space above
    void line(std::string_view text, bool bold = false, float size = 9.5f);
    // Text wrapped to the text width; a newline begins a new line.
    void paragraph(std::string_view text, float size = 9.5f);
    // Label in bold, value after it ("Period: 2026Q1"); a long or multi-line value wraps under
    // its first line.
    void field(std::string_view label, std::string_view value);
    // Two blocks side by side (supplier and customer): a bold heading over each, then its lines.
    void two_blocks(std::string_view left_heading, const std::vector<std::string>& left,
                    std::string_view right_heading, const std::vector<std::string>& right);
    void space(float points);
    // A label on the left and a figure right-aligned at the text's right edge, the seed's
    // statement lines ("= Closing balance 42,150"); a label too long wraps.
    void statement_line(std::string_view label, std::string_view figure, bool bold = false);
    // Lines to sign on, side by side: a rule over each label ("Signature", "Date").
    void signature_lines(const std::vector<std::string>& labels);

    void begin_table(std::vector<column> columns);
    // rule_above draws a line before the row (totals). Every cell wraps within its column.
    void row(const std::vector<std::string>& cells, bool bold = false, bool rule_above = false);
    // A row whose cell `symbol_column` shows `barcode` as a Code 128 symbol above the cell's
    // text. False with the reason kept for save() when zint cannot encode it.
    bool row_with_barcode(const std::vector<std::string>& cells, std::size_t symbol_column,
                          std::string_view barcode);
    void end_table();

    // Writes footers and the file; false with `error` on any font, zint, libharu or file error.
    bool save(const std::string& path, std::string& error);

    // libharu's error callback.
    void on_error(HPDF_STATUS error, HPDF_STATUS detail);

private:
    struct document {
        std::size_t first_page = 0;
        std::string footer;
        bool draft = false;
    };

    void ensure_room(float height);
    void draw_text(float x, float y, std::string_view utf8, bool bold, float size);
    float width_of(std::string_view utf8, bool bold, float size);
    // `text` in lines no wider than `width`.
    std::vector<std::string> wrap(std::string_view text, bool bold, float size, float width);
    void table_header();
    void table_row(const std::vector<std::string>& cells, bool bold, bool rule_above,
                   std::size_t symbol_column, const std::vector<float>& bars, float bars_width);
    void rule(float y, float width);
    void watermark(HPDF_Page page);

    HPDF_Doc _pdf = nullptr;
    HPDF_Font _regular = nullptr, _bold = nullptr;
    HPDF_Page _page = nullptr;
    std::vector<HPDF_Page> _pages;
    std::vector<document> _documents;
    float _y = 0;  // the baseline of the next line
    std::vector<column> _columns;
    bool _in_table = false;
    HPDF_STATUS _error = 0, _detail = 0;
    std::string _failure;  // a font or a barcode that could not be made
};

}  // namespace stampd::report
