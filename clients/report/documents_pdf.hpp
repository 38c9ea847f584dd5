// The documents a warehouse hands over, as PDF pages: the tax invoice or credit note (SPEC §9,
// and what Canada's GST/HST and Quebec's QST invoice rules ask of one) and the packing list of
// an outbound shipment (§7). Each writes one document into a pdf_document the caller began.
// Pure functions of a state; one thread (the pdf_document's).
#pragma once

#include <string>
#include <vector>

#include "clients/report/pdf_document.hpp"
#include "engine/state.hpp"

namespace stampd::report {

// Who issues the documents: the warehouse's identity (its setting), or, while none is set, the
// free text of stamp-report's --warehouse as its name.
using issuer = warehouse_identity;

issuer issuer_of(const state& s, const std::string& warehouse);
// What a tax invoice lacks of its supplier ("the GST/HST registration number"), or "".
std::string issuer_gaps(const issuer& who, bool quebec);

// "Ontario", "Québec": a province as an address writes it.
std::string province_name(province p);

// "Tax Invoice INV-000001", "DRAFT Invoice …", "Credit note CN-000002 (credits INV-000001)":
// the document's title, on its page and in the file's metadata.
std::string invoice_title(const state& s, const invoice& i);

// The file name of one invoice's own PDF: "INV-000001.pdf".
std::string invoice_file_name(const invoice& i);

// A document begun by the caller (pdf_document::begin_document, its footer and DRAFT mark).
void invoice_pdf(pdf_document& pdf, const state& s, const invoice& i, const issuer& who);
void packing_list_pdf(pdf_document& pdf, const state& s, outbound_id id, const issuer& who);

}  // namespace stampd::report
