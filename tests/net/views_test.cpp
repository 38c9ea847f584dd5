// The reads of net/views.cpp: a warehouse built by engine commands, asked through answer_read with
// Requests built as a client builds them, every Response checked by flatbuffers::Verifier first.
// One test per rule of the reads (SPEC §11 access, list paging, the figures of each view).
#include "net/views.hpp"

#include <gtest/gtest.h>

#include "engine/access.hpp"
#include "net/protocol/frame_format.hpp"
#include "tests/engine/warehouse.hpp"

namespace stampd::net {
namespace {

class views : public stampd::testing::warehouse {
protected:
    static constexpr std::uint64_t request_id = 42;

    flatbuffers::FlatBufferBuilder answer;
    shipment_id sh = 0;
    user_id portal = 0;  // a consignee user of norwood
    consignee_id acme = 0;
    product_id acme_vape = 0;

    void SetUp() override {
        warehouse::SetUp();
        sh = add_shipment("SH-1", vape15, 4, 10);
        portal = add_user("portal", role_bit(role::consignee), norwood);
        acme = add_consignee("ACME", province::qc);
        acme_vape = add_product("ACME-30", acme, 30'000);
    }

    // Answers a read whose body `make` builds, as `viewer`; null unless the Response verifies.
    template <typename Make>
    const proto::Response* ask(user_id viewer, proto::Body kind, Make&& make) {
        flatbuffers::FlatBufferBuilder request;
        const auto body = make(request);
        request.Finish(proto::CreateRequest(request, request_id, kind, body.Union()));
        answer.Clear();
        answer_read(s, viewer, *flatbuffers::GetRoot<proto::Request>(request.GetBufferPointer()),
                    answer, now_us);
        flatbuffers::Verifier verifier(answer.GetBufferPointer(), answer.GetSize());
        if (!verifier.VerifyBuffer<proto::Response>(nullptr)) {
            ADD_FAILURE() << "the Response does not verify";
            return nullptr;
        }
        const auto* response = flatbuffers::GetRoot<proto::Response>(answer.GetBufferPointer());
        EXPECT_EQ(response->id(), request_id);
        return response;
    }

    // The reply as T when it is of that kind, else null (with the refusal's message).
    template <typename T>
    static const T* as(const proto::Response* response) {
        if (response == nullptr) return nullptr;
        if (response->reply_type() != proto::ReplyTraits<T>::enum_value) {
            const auto* o = response->reply_as_Outcome();
            ADD_FAILURE() << "reply is " << proto::EnumNameReply(response->reply_type()) << ": "
                          << (o && o->message() ? o->message()->str() : "");
            return nullptr;
        }
        return static_cast<const T*>(response->reply());
    }

    static proto::Code code_of(const proto::Response* response) {
        if (response == nullptr || response->reply_type() != proto::Reply::Outcome) {
            return proto::Code::OK;
        }
        return response->reply_as_Outcome()->code();
    }

    const proto::Response* get_po(user_id viewer, po_id po) {
        return ask(viewer, proto::Body::GetPo, [&](auto& b) { return proto::CreateGetPo(b, po); });
    }
    const proto::Response* list_pos(user_id viewer, u32 after, consignee_id of = 0,
                                    std::int16_t status = -1) {
        return ask(viewer, proto::Body::ListPos,
                   [&](auto& b) { return proto::CreateListPos(b, of, status, after); });
    }
    const proto::Response* get_balances(user_id viewer) {
        return ask(viewer, proto::Body::GetBalances,
                   [](auto& b) { return proto::CreateGetBalances(b); });
    }
    const proto::Response* get_invoice(user_id viewer, invoice_id id) {
        return ask(viewer, proto::Body::GetInvoice,
                   [&](auto& b) { return proto::CreateGetInvoice(b, id); });
    }
    const proto::Response* list_invoices(user_id viewer) {
        return ask(viewer, proto::Body::ListInvoices,
                   [](auto& b) { return proto::CreateListInvoices(b, 0, 0); });
    }
    const proto::Response* scan(user_id viewer, po_id po, const char* barcode) {
        return ask(viewer, proto::Body::ScanBox,
                   [&](auto& b) { return proto::CreateScanBoxDirect(b, po, barcode); });
    }

    // Confirms the first `boxes` boxes of the run's queue.
    void confirm_first(po_id po, u32 boxes) {
        box_id last = id_none;
        for (const queue_item& item : run_queue(s, po)) {
            if (item.box == last) continue;
            if (boxes-- == 0) break;
            last = item.box;
            expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = item.box});
        }
    }

    // A PO of ACME's, another consignee than the portal user's.
    po_id acme_po() {
        const shipment_id acme_sh = add_shipment("SH-ACME", acme_vape, 1, 10, 0, acme);
        return add_po(acme_sh, {{acme_vape, region::qc, 5}}, "", acme);
    }

    static i64 stamps_of(const flatbuffers::Vector<const proto::RegionFigure*>* figures, region r) {
        if (figures == nullptr || figures->size() != region_count) return -1;
        EXPECT_EQ(figures->Get(index(r))->region(), static_cast<fb::Region>(r));
        return figures->Get(index(r))->stamps();
    }
};

TEST_F(views, a_po_view_counts_confirmed_boxes_and_the_stamps_deducted) {
    add_stamps(region::on, 500);  // 25 000 stamps
    const po_id po = add_po(sh, {{vape15, region::on, 30}});
    start(po);
    confirm_first(po, 2);

    const auto* view = as<proto::PoView>(get_po(admin, po));
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(view->id(), po);
    EXPECT_EQ(view->number()->string_view(), "PO-000001");
    EXPECT_EQ(view->consignee(), norwood);
    EXPECT_EQ(view->status(), fb::PoStatus::InProduction);
    EXPECT_EQ(view->boxes_total(), 3u);
    EXPECT_EQ(view->boxes_confirmed(), 2u);
    EXPECT_EQ(view->boxes_skipped(), 0u);
    EXPECT_EQ(view->boxes_left(), 1u);
    EXPECT_EQ(view->units_done(), 20u);
    ASSERT_EQ(view->lines()->size(), 1u);
    EXPECT_EQ(view->lines()->Get(0)->quantity(), 30u);
    EXPECT_EQ(view->lines()->Get(0)->deducted(), 20u);
    EXPECT_EQ(stamps_of(view->stamps_deducted(), region::on), 20);
    EXPECT_EQ(stamps_of(view->stamps_deducted(), region::fed), 0);
    EXPECT_EQ(stamps_of(view->balance(), region::on), 25'000 - 20);
    EXPECT_EQ(view->started_by(), stamper);
}

// A stamper's list of boxes names each by its label.
TEST_F(views, the_run_queue_names_each_box_by_its_barcode) {
    add_stamps(region::on, 500);
    const po_id po = add_po(sh, {{vape15, region::on, 30}});
    start(po);
    const auto* queue = as<proto::RunQueue>(ask(stamper, proto::Body::GetRunQueue, [&](auto& b) {
        return proto::CreateGetRunQueue(b, po, 0);
    }));
    ASSERT_NE(queue, nullptr);
    ASSERT_NE(queue->barcodes(), nullptr);
    ASSERT_EQ(queue->barcodes()->size(), queue->items()->size());
    ASSERT_EQ(queue->items()->size(), 3u);
    for (flatbuffers::uoffset_t i = 0; i < queue->items()->size(); ++i) {
        EXPECT_EQ(queue->barcodes()->Get(i)->string_view(),
                  s.barcode_of(queue->items()->Get(i)->box()));
    }
}

TEST_F(views, a_consignee_user_sees_its_own_po_but_not_the_stamp_balances) {
    const po_id po = add_po(sh, {{vape15, region::on, 30}});
    const auto* view = as<proto::PoView>(get_po(portal, po));
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(view->id(), po);
    EXPECT_EQ(view->balance(), nullptr);
    EXPECT_NE(view->stamps_deducted(), nullptr);
}

TEST_F(views, a_consignee_user_gets_not_found_for_another_consignees_po) {
    const po_id theirs = acme_po();
    const auto* refused = get_po(portal, theirs);
    ASSERT_EQ(code_of(refused), proto::Code::NOT_FOUND);
    EXPECT_EQ(refused->reply_as_Outcome()->about(), proto::Subject::ProductionOrder);
    EXPECT_EQ(refused->reply_as_Outcome()->subject_id(), theirs);
    // Exactly what a PO that does not exist gets.
    EXPECT_EQ(code_of(get_po(portal, 999)), proto::Code::NOT_FOUND);
    EXPECT_NE(as<proto::PoView>(get_po(admin, theirs)), nullptr);
    // Nor does it show in the portal's lists.
    const auto* list = as<proto::PoList>(list_pos(portal, 0));
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(list->pos()->size(), 0u);
    EXPECT_EQ(code_of(list_pos(portal, 0, acme)), proto::Code::NOT_FOUND);
}

TEST_F(views, list_pos_pages_after_the_last_id_and_says_when_more_remain) {
    const shipment_id big = add_shipment("SH-BIG", vape15, 1, list_rows_max + 1);
    for (u32 i = 0; i <= list_rows_max; ++i)
        add_po(big, {{vape15, region::on, 1}});

    const auto* first = as<proto::PoList>(list_pos(admin, 0));
    ASSERT_NE(first, nullptr);
    ASSERT_EQ(first->pos()->size(), list_rows_max);
    EXPECT_TRUE(first->more());
    for (u32 i = 0; i < list_rows_max; ++i)
        ASSERT_EQ(first->pos()->Get(i)->id(), i + 1);
    EXPECT_EQ(first->pos()->Get(0)->units(), 1u);

    const auto* rest = as<proto::PoList>(list_pos(admin, list_rows_max));
    ASSERT_NE(rest, nullptr);
    ASSERT_EQ(rest->pos()->size(), 1u);
    EXPECT_EQ(rest->pos()->Get(0)->id(), list_rows_max + 1);
    EXPECT_FALSE(rest->more());
}

TEST_F(views, list_pos_filters_by_consignee_and_status) {
    const po_id open = add_po(sh, {{vape15, region::on, 5}});
    const po_id cancelled = add_po(sh, {{vape15, region::on, 5}});
    const po_id theirs = acme_po();
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = cancelled, .reason = "test"});

    const auto* norwoods = as<proto::PoList>(list_pos(admin, 0, norwood));
    ASSERT_NE(norwoods, nullptr);
    ASSERT_EQ(norwoods->pos()->size(), 2u);
    EXPECT_EQ(norwoods->pos()->Get(0)->id(), open);
    EXPECT_EQ(norwoods->pos()->Get(1)->id(), cancelled);

    const auto* open_ones =
        as<proto::PoList>(list_pos(admin, 0, 0, static_cast<std::int16_t>(fb::PoStatus::Open)));
    ASSERT_NE(open_ones, nullptr);
    ASSERT_EQ(open_ones->pos()->size(), 2u);
    EXPECT_EQ(open_ones->pos()->Get(0)->id(), open);
    EXPECT_EQ(open_ones->pos()->Get(1)->id(), theirs);

    const auto* after_open = as<proto::PoList>(list_pos(admin, open, norwood));
    ASSERT_NE(after_open, nullptr);
    ASSERT_EQ(after_open->pos()->size(), 1u);
    EXPECT_EQ(after_open->pos()->Get(0)->id(), cancelled);
    EXPECT_FALSE(after_open->more());

    EXPECT_EQ(code_of(list_pos(admin, 0, 0, 9)), proto::Code::INVALID_ARGUMENT);
}

TEST_F(views, balances_show_reservations_and_stamps_available_to_promise) {
    add_stamps(region::on, 500);  // 25 000 stamps
    const po_id po = add_po(sh, {{vape15, region::on, 30}});
    start(po);             // reserves 30
    confirm_first(po, 1);  // deducts 10 of them

    const auto* balances = as<proto::Balances>(get_balances(finance));
    ASSERT_NE(balances, nullptr);
    ASSERT_EQ(balances->regions()->size(), region_count);
    const proto::RegionBalance* on = balances->regions()->Get(index(region::on));
    EXPECT_EQ(on->region(), fb::Region::ON);
    EXPECT_EQ(on->balance(), 24'990);
    EXPECT_EQ(on->reserved(), 20);
    EXPECT_EQ(on->available_to_promise(), 24'970);
    EXPECT_EQ(on->available_to_promise(), stamps_available_to_promise(s, region::on));
    EXPECT_EQ(on->entries(), 2u);  // the receipt and one box
    EXPECT_EQ(balances->regions()->Get(index(region::fed))->balance(), 0);
}

TEST_F(views, a_consignee_user_may_not_read_balances) {
    EXPECT_EQ(code_of(get_balances(portal)), proto::Code::FORBIDDEN);
    EXPECT_NE(as<proto::Balances>(get_balances(stamper)), nullptr);
}

// Issue 18: the ledger's entries, each with its running balance and its source, paged by sequence.
TEST_F(views, ledger_entries_show_the_running_balance_and_the_source_of_each) {
    const stamp_order_id order = add_stamps(region::on, 500);  // 25 000 stamps
    const po_id po = add_po(sh, {{vape15, region::on, 30}});
    start(po);
    confirm_first(po, 2);
    const auto entries = [&](user_id who, std::int16_t kind, u32 after, u32 limit) {
        return ask(who, proto::Body::ListLedgerEntries, [&](auto& b) {
            return proto::CreateListLedgerEntries(b, fb::Region::ON, 0, INT64_MAX, kind, after,
                                                  limit);
        });
    };
    const auto* page = as<proto::LedgerEntryList>(entries(finance, -1, 0, 2));
    ASSERT_NE(page, nullptr);
    EXPECT_EQ(page->region(), fb::Region::ON);
    ASSERT_EQ(page->entries()->size(), 2u);
    EXPECT_TRUE(page->more());
    EXPECT_EQ(page->next_after(), 2u);
    const proto::LedgerEntryView* receipt = page->entries()->Get(0);
    EXPECT_EQ(receipt->sequence(), 1u);
    EXPECT_EQ(receipt->kind(), fb::LedgerKind::RECEIPT);
    EXPECT_EQ(receipt->quantity(), 25'000);
    EXPECT_EQ(receipt->balance_after(), 25'000);
    EXPECT_EQ(receipt->stamp_order(), order);
    EXPECT_EQ(receipt->po(), 0u);
    EXPECT_EQ(receipt->user(), supervisor);
    EXPECT_EQ(receipt->station(), station);
    const proto::LedgerEntryView* usage = page->entries()->Get(1);
    EXPECT_EQ(usage->kind(), fb::LedgerKind::USAGE);
    EXPECT_EQ(usage->quantity(), -10);
    EXPECT_EQ(usage->balance_after(), 24'990);
    EXPECT_EQ(usage->po(), po);
    EXPECT_EQ(usage->stamp_order(), 0u);
    EXPECT_NE(usage->box(), 0u);
    EXPECT_EQ(usage->user(), stamper);
    EXPECT_FALSE(usage->overridden());

    const auto* rest = as<proto::LedgerEntryList>(entries(admin, -1, page->next_after(), 0));
    ASSERT_NE(rest, nullptr);
    ASSERT_EQ(rest->entries()->size(), 1u);
    EXPECT_FALSE(rest->more());
    EXPECT_EQ(rest->entries()->Get(0)->sequence(), 3u);
    EXPECT_EQ(rest->entries()->Get(0)->balance_after(), 24'980);
    const auto* receipts = as<proto::LedgerEntryList>(
        entries(stamper, static_cast<std::int16_t>(ledger_kind::receipt), 0, 0));
    ASSERT_NE(receipts, nullptr);
    ASSERT_EQ(receipts->entries()->size(), 1u);
    EXPECT_EQ(receipts->entries()->Get(0)->stamp_order(), order);
}

TEST_F(views, ledger_entries_are_not_a_consignee_users_and_refuse_what_is_out_of_range) {
    add_stamps(region::on, 500);
    const auto ask_entries = [&](user_id who, int r, i64 from_us, i64 to_us, std::int16_t kind,
                                 u32 limit) {
        return ask(who, proto::Body::ListLedgerEntries, [&](auto& b) {
            return proto::CreateListLedgerEntries(b, static_cast<fb::Region>(r), from_us, to_us,
                                                  kind, 0, limit);
        });
    };
    const auto* refused = ask_entries(portal, 1, 0, INT64_MAX, -1, 0);
    ASSERT_EQ(code_of(refused), proto::Code::FORBIDDEN);
    EXPECT_NE(refused->reply_as_Outcome()->message()->string_view().find("ledger"),
              std::string_view::npos);
    EXPECT_EQ(code_of(ask_entries(admin, 9, 0, INT64_MAX, -1, 0)), proto::Code::INVALID_ARGUMENT);
    EXPECT_EQ(code_of(ask_entries(admin, 1, 10, 5, -1, 0)), proto::Code::INVALID_ARGUMENT);
    EXPECT_EQ(code_of(ask_entries(admin, 1, 0, INT64_MAX, 5, 0)), proto::Code::INVALID_ARGUMENT);
    EXPECT_EQ(
        code_of(ask_entries(admin, 1, 0, INT64_MAX, -1, constants::ledger_entries_page_max + 1)),
        proto::Code::LIMIT_EXCEEDED);
    const auto* full = as<proto::LedgerEntryList>(
        ask_entries(admin, 1, 0, INT64_MAX, -1, constants::ledger_entries_page_max));
    ASSERT_NE(full, nullptr);
    EXPECT_EQ(full->entries()->size(), 1u);
}

// Issue 16: the lists a person needs narrowed — stamp orders by region and status, invoices by
// status, POs not yet on a day — and a filter past its enum refused.
TEST_F(views, lists_filter_stamp_orders_invoices_requests_and_unscheduled_pos) {
    add_stamps(region::on, 500);  // submitted and received
    const stamp_order_id pending_qc =
        expect_ok<stamp_order_submitted>(
            finance, submit_stamp_order{.stamp_region = region::qc, .bundles = 600})
            .id;
    const auto stamp_orders = [&](std::int16_t r, std::int16_t status) {
        return ask(admin, proto::Body::ListStampOrders,
                   [&](auto& b) { return proto::CreateListStampOrders(b, 0, r, status); });
    };
    const auto* qc =
        as<proto::StampOrderList>(stamp_orders(static_cast<std::int16_t>(region::qc), -1));
    ASSERT_NE(qc, nullptr);
    ASSERT_EQ(qc->orders()->size(), 1u);
    EXPECT_EQ(qc->orders()->Get(0)->id(), pending_qc);
    const auto* in_review = as<proto::StampOrderList>(
        stamp_orders(-1, static_cast<std::int16_t>(stamp_order_status::admin_review)));
    ASSERT_NE(in_review, nullptr);
    ASSERT_EQ(in_review->orders()->size(), 1u);
    EXPECT_EQ(in_review->orders()->Get(0)->id(), pending_qc);
    const auto* all = as<proto::StampOrderList>(stamp_orders(-1, -1));
    ASSERT_NE(all, nullptr);
    EXPECT_EQ(all->orders()->size(), 2u);
    EXPECT_EQ(code_of(stamp_orders(5, -1)), proto::Code::INVALID_ARGUMENT);

    const po_id done = add_po(sh, {{vape15, region::on, 30}});
    start(done);
    confirm_all(done);
    verify(done);
    const po_id waiting = add_po(sh, {{vape15, region::on, 5}});
    const auto unscheduled = ask(admin, proto::Body::ListPos,
                                 [](auto& b) { return proto::CreateListPos(b, 0, -1, 0, true); });
    const auto* pos = as<proto::PoList>(unscheduled);
    ASSERT_NE(pos, nullptr);
    ASSERT_EQ(pos->pos()->size(), 1u);
    EXPECT_EQ(pos->pos()->Get(0)->id(), waiting);

    const auto invoices = [&](std::int16_t status) {
        return ask(finance, proto::Body::ListInvoices,
                   [&](auto& b) { return proto::CreateListInvoices(b, 0, 0, status); });
    };
    const auto* drafts =
        as<proto::InvoiceList>(invoices(static_cast<std::int16_t>(invoice_status::draft)));
    ASSERT_NE(drafts, nullptr);
    EXPECT_EQ(drafts->invoices()->size(), 1u);
    const auto* paid =
        as<proto::InvoiceList>(invoices(static_cast<std::int16_t>(invoice_status::paid)));
    ASSERT_NE(paid, nullptr);
    EXPECT_EQ(paid->invoices()->size(), 0u);
    EXPECT_EQ(code_of(invoices(4)), proto::Code::INVALID_ARGUMENT);

    const auto requests = [&](std::int16_t status) {
        return ask(admin, proto::Body::ListRequests,
                   [&](auto& b) { return proto::CreateListRequests(b, 0, status); });
    };
    const auto pending_ids = [&](request_status status) {
        const auto* list = as<proto::RequestList>(requests(static_cast<std::int16_t>(status)));
        std::vector<stampd::request_id> ids;
        for (std::size_t i = 0; list != nullptr && i < list->requests()->size(); ++i)
            ids.push_back(list->requests()->Get(i)->id());
        return ids;
    };
    EXPECT_TRUE(pending_ids(request_status::pending).empty());
    day on = local_day(s.settings.zone, now_us) + 7;
    while (is_weekend(on))
        ++on;
    const stampd::request_id first =
        expect_ok<request_submitted>(
            portal, submit_request{.shipment = sh, .lines = {{vape15, region::on, 2}}, .on = on})
            .id;
    const stampd::request_id second =
        expect_ok<request_submitted>(
            portal, submit_request{.shipment = sh, .lines = {{vape15, region::on, 3}}, .on = on})
            .id;
    expect_ok<request_rejected>(supervisor,
                                reject_request{.request = first, .reason = "no room that week"});
    EXPECT_EQ(pending_ids(request_status::pending), std::vector<stampd::request_id>{second});
    EXPECT_EQ(pending_ids(request_status::rejected), std::vector<stampd::request_id>{first});
    EXPECT_EQ(code_of(requests(3)), proto::Code::INVALID_ARGUMENT);

    // Outbound records by status: the completed PO's is ready, then shipped.
    const auto outbounds = [&](user_id who, std::int16_t status) {
        return ask(who, proto::Body::ListOutbounds,
                   [&](auto& b) { return proto::CreateListOutbounds(b, 0, status, 0); });
    };
    const auto count = [&](user_id who, std::int16_t status) -> std::size_t {
        const auto* list = as<proto::OutboundList>(outbounds(who, status));
        return list == nullptr ? 99 : list->outbounds()->size();
    };
    const auto ready = static_cast<std::int16_t>(outbound_status::ready_to_ship);
    const auto shipped = static_cast<std::int16_t>(outbound_status::shipped);
    EXPECT_EQ(count(supervisor, ready), 1u);
    EXPECT_EQ(count(supervisor, shipped), 0u);
    expect_ok<outbound_shipped>(supervisor, ship_outbound{.outbound = s.po_at(done).outbound});
    EXPECT_EQ(count(supervisor, ready), 0u);
    EXPECT_EQ(count(portal, shipped), 1u);  // norwood's own
    const auto* view = as<proto::OutboundView>(ask(portal, proto::Body::GetOutbound, [&](auto& b) {
        return proto::CreateGetOutbound(b, s.po_at(done).outbound);
    }));
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(view->status(), proto::OutboundStatus::Shipped);
    EXPECT_EQ(view->shipped_by(), supervisor);
    EXPECT_EQ(view->po(), done);
    EXPECT_EQ(view->number()->str(), "OUT-000001");
    EXPECT_EQ(code_of(outbounds(supervisor, 2)), proto::Code::INVALID_ARGUMENT);
    EXPECT_EQ(code_of(ask(portal, proto::Body::GetOutbound,
                          [](auto& b) { return proto::CreateGetOutbound(b, 7); })),
              proto::Code::NOT_FOUND);
}

TEST_F(views, a_consignee_user_never_sees_a_draft_invoice) {
    add_stamps(region::on, 500);
    const po_id po = add_po(sh, {{vape15, region::on, 30}});
    start(po);
    confirm_all(po);
    verify(po);
    const invoice_id inv = s.po_at(po).invoice;
    ASSERT_NE(inv, id_none);
    ASSERT_EQ(s.invoice_at(inv).status, invoice_status::draft);

    EXPECT_EQ(code_of(get_invoice(portal, inv)), proto::Code::NOT_FOUND);
    const auto* none = as<proto::InvoiceList>(list_invoices(portal));
    ASSERT_NE(none, nullptr);
    EXPECT_EQ(none->invoices()->size(), 0u);
    const auto* po_view = as<proto::PoView>(get_po(portal, po));
    ASSERT_NE(po_view, nullptr);
    EXPECT_EQ(po_view->invoice(), id_none);
    const auto* staff = as<proto::InvoiceView>(get_invoice(finance, inv));
    ASSERT_NE(staff, nullptr);
    EXPECT_EQ(staff->status(), fb::InvoiceStatus::Draft);

    expect_ok<invoice_advanced>(finance,
                                advance_invoice{.invoice = inv, .to = invoice_status::issued});
    const auto* issued = as<proto::InvoiceView>(get_invoice(portal, inv));
    ASSERT_NE(issued, nullptr);
    EXPECT_EQ(issued->status(), fb::InvoiceStatus::Issued);
    EXPECT_EQ(issued->po(), po);
    ASSERT_EQ(issued->lines()->size(), 1u);
    EXPECT_EQ(issued->lines()->Get(0)->units(), 30);
    const auto* listed = as<proto::InvoiceList>(list_invoices(portal));
    ASSERT_NE(listed, nullptr);
    ASSERT_EQ(listed->invoices()->size(), 1u);
    EXPECT_EQ(listed->invoices()->Get(0)->id(), inv);
}

TEST_F(views, scanning_a_box_shows_the_stamps_confirming_it_deducts) {
    add_stamps(region::on, 500);
    const po_id po = add_po(sh, {{vape15, region::on, 15}});
    start(po);
    const auto* box = as<proto::ScannedBox>(scan(stamper, po, "SH-1-000001"));
    ASSERT_NE(box, nullptr);
    EXPECT_EQ(box->verdict()->code(), proto::Code::OK);
    EXPECT_EQ(box->box(), s.find_box("SH-1-000001"));
    EXPECT_EQ(box->product(), vape15);
    EXPECT_EQ(box->good_units(), 10u);
    EXPECT_EQ(box->state(), fb::BoxState::Pending);
    ASSERT_EQ(box->parts()->size(), 1u);
    EXPECT_EQ(box->parts()->Get(0)->units(), 5u);  // the queue's second box: 10 + 5 = 15
    EXPECT_EQ(stamps_of(box->stamps_needed(), region::on), 5);

    const auto* outside = as<proto::ScannedBox>(scan(stamper, po, "SH-1-000003"));
    ASSERT_NE(outside, nullptr);
    EXPECT_EQ(outside->verdict()->code(), proto::Code::BOX_NOT_IN_PO);
}

TEST_F(views, scanning_an_unknown_barcode_is_not_found) {
    const po_id po = add_po(sh, {{vape15, region::on, 15}});
    const auto* refused = scan(stamper, po, "NO-SUCH-BOX");
    ASSERT_EQ(code_of(refused), proto::Code::NOT_FOUND);
    EXPECT_EQ(refused->reply_as_Outcome()->about(), proto::Subject::Box);
}

// A consignee picks a day with room for its requests (SPEC §5, §10), so its calendar shows each
// day's capacity and whole load — the room left — but lists only its own POs.
TEST_F(views, a_consignee_sees_a_days_room_but_only_its_own_pos) {
    const day monday = day_of(2026, 3, 2);
    const po_id own = add_po(sh, {{vape15, region::on, 30}});
    const po_id other = acme_po();
    ASSERT_TRUE(run(supervisor, schedule_po{.po = own, .on = monday}).ok());
    ASSERT_TRUE(run(supervisor, schedule_po{.po = other, .on = monday}).ok());
    const auto calendar = [&](user_id viewer) {
        return as<proto::Calendar>(ask(viewer, proto::Body::GetCalendar, [&](auto& b) {
            return proto::CreateGetCalendar(b, monday, 1);
        }));
    };
    // Each answer lives in the fixture's one builder: read it before asking again.
    struct day_seen {
        u64 capacity = 0, load = 0;
        std::vector<po_id> pos;
    };
    const auto monday_as = [&](user_id viewer) {
        day_seen out;
        const proto::Calendar* c = calendar(viewer);
        if (c == nullptr || c->days() == nullptr || c->days()->size() != 1) {
            ADD_FAILURE() << "no calendar of one day";
            return out;
        }
        const proto::DayView* d = c->days()->Get(0);
        out.capacity = d->capacity();
        out.load = d->load();
        if (d->pos() != nullptr) out.pos.assign(d->pos()->begin(), d->pos()->end());
        return out;
    };
    const day_seen all = monday_as(supervisor);
    const day_seen seen = monday_as(portal);
    EXPECT_EQ(all.load, 35u);  // 30 of norwood's + 5 of ACME's
    EXPECT_EQ(seen.load, all.load);
    EXPECT_EQ(seen.capacity, all.capacity);
    EXPECT_EQ(all.pos, (std::vector<po_id>{own, other}));
    EXPECT_EQ(seen.pos, std::vector<po_id>{own});
}

// Issue 16: stampctl's calendar started at today in UTC; the warehouse's today is its zone's.
TEST_F(views, a_calendar_without_a_first_day_starts_at_the_warehouses_today) {
    const auto* from_today =
        as<proto::Calendar>(ask(supervisor, proto::Body::GetCalendar,
                                [](auto& b) { return proto::CreateGetCalendar(b, no_day, 2); }));
    ASSERT_NE(from_today, nullptr);
    ASSERT_EQ(from_today->days()->size(), 2u);
    // The fixture's clock is just past 2026-01-01T00:00Z: still 2025-12-31 in Toronto.
    EXPECT_EQ(from_today->days()->Get(0)->day(), day_of(2025, 12, 31));
    EXPECT_EQ(from_today->days()->Get(0)->day(), local_day(s.settings.zone, now_us));
}

TEST_F(views, a_calendar_of_more_than_62_days_is_invalid) {
    const auto calendar = [&](u32 days) {
        return ask(supervisor, proto::Body::GetCalendar,
                   [&](auto& b) { return proto::CreateGetCalendar(b, day_of(2026, 3, 2), days); });
    };
    EXPECT_EQ(code_of(calendar(100)), proto::Code::INVALID_ARGUMENT);
    const auto* two_months = as<proto::Calendar>(calendar(62));
    ASSERT_NE(two_months, nullptr);
    ASSERT_EQ(two_months->days()->size(), 62u);
    const proto::DayView* monday = two_months->days()->Get(0);
    EXPECT_EQ(monday->day(), day_of(2026, 3, 2));
    EXPECT_EQ(monday->capacity(), 12'000u);
    EXPECT_FALSE(monday->closed());
    EXPECT_TRUE(two_months->days()->Get(5)->closed());  // Saturday
    EXPECT_EQ(two_months->days()->Get(5)->capacity(), 0u);
}

TEST_F(views, ledger_figures_refuse_a_period_that_ends_before_it_starts) {
    const auto ledger = [&](i64 from_us, i64 to_us) {
        return ask(finance, proto::Body::GetLedgerFigures, [&](auto& b) {
            return proto::CreateGetLedgerFigures(b, fb::Region::ON, from_us, to_us);
        });
    };
    EXPECT_EQ(code_of(ledger(now_us, start_us)), proto::Code::INVALID_ARGUMENT);
    add_stamps(region::on, 500);
    const auto* figures = as<proto::LedgerFigures>(ledger(start_us, now_us + 1));
    ASSERT_NE(figures, nullptr);
    EXPECT_EQ(figures->received(), 25'000);
    EXPECT_EQ(figures->closing(), 25'000);
    EXPECT_EQ(figures->entries(), 1u);
}

TEST_F(views, a_shipment_view_reports_availability_per_product) {
    add_po(sh, {{vape15, region::on, 15}});
    const auto* view =
        as<proto::ShipmentView>(ask(supervisor, proto::Body::GetShipment,
                                    [&](auto& b) { return proto::CreateGetShipment(b, sh); }));
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(view->status(), proto::ShipmentStatus::Inventoried);
    EXPECT_EQ(view->boxes(), 4u);
    ASSERT_EQ(view->products()->size(), 1u);
    EXPECT_EQ(view->products()->Get(0)->good_units(), 40u);
    EXPECT_EQ(view->products()->Get(0)->allocated_units(), 15u);
    EXPECT_EQ(view->products()->Get(0)->available(), 25);
    EXPECT_EQ(view->products()->Get(0)->available(), availability(s, sh, vape15));
}

TEST_F(views, settings_hold_one_entry_per_province_weekday_and_region) {
    expect_ok<tax_rate_set>(
        admin, set_tax_rate{.tax_province = province::qc, .kind = tax_kind::qst, .rate = 9'975});
    const auto* view = as<proto::SettingsView>(
        ask(admin, proto::Body::GetSettings, [](auto& b) { return proto::CreateGetSettings(b); }));
    ASSERT_NE(view, nullptr);
    ASSERT_EQ(view->tax_rates()->size(), province_count);
    const fb::TaxRates* qc = view->tax_rates()->Get(static_cast<u32>(province::qc));
    EXPECT_EQ(qc->gst(), 5'000);
    EXPECT_EQ(qc->qst(), 9'975);
    EXPECT_EQ(view->tax_rates()->Get(static_cast<u32>(province::on))->hst(), 13'000);
    EXPECT_EQ(view->capacity_units()->size(), 5u);
    EXPECT_EQ(stamps_of(view->stamps_per_bundle(), region::mb), 50);
    EXPECT_EQ(stamps_of(view->deposit_cents_per_stamp(), region::fed), 0);
    EXPECT_EQ(view->time_zone()->string_view(), "America/Toronto");
    ASSERT_NE(view->identity(), nullptr);  // not set: every field empty
    EXPECT_EQ(view->identity()->legal_name()->string_view(), "");
    EXPECT_EQ(code_of(ask(portal, proto::Body::GetSettings,
                          [](auto& b) { return proto::CreateGetSettings(b); })),
              proto::Code::FORBIDDEN);
}

TEST_F(views, settings_show_the_warehouse_identity_documents_print) {
    expect_ok<warehouse_identity_set>(
        admin, set_warehouse_identity{.identity = {.legal_name = "Entrepôt Boréal Inc.",
                                                   .address = "12 rue du Port\nQuébec QC",
                                                   .gst_hst_number = "123456789RT0001",
                                                   .excise_licence = "VL-2026-0042"}});
    const auto* view = as<proto::SettingsView>(ask(
        finance, proto::Body::GetSettings, [](auto& b) { return proto::CreateGetSettings(b); }));
    ASSERT_NE(view, nullptr);
    const fb::WarehouseIdentity* id = view->identity();
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(id->legal_name()->string_view(), "Entrepôt Boréal Inc.");
    EXPECT_EQ(id->address()->string_view(), "12 rue du Port\nQuébec QC");
    EXPECT_EQ(id->gst_hst_number()->string_view(), "123456789RT0001");
    EXPECT_EQ(id->qst_number()->string_view(), "");
    EXPECT_EQ(id->excise_licence()->string_view(), "VL-2026-0042");
}

TEST_F(views, find_boxes_answers_each_barcode_in_order_and_hides_what_a_viewer_may_not_see) {
    const shipment_id theirs = add_shipment("SH-A", acme_vape, 1, 7, 2, acme);
    const auto find = [&](user_id viewer) {
        return as<proto::BoxesFound>(ask(viewer, proto::Body::FindBoxes, [](auto& b) {
            const std::vector<std::string> barcodes = {"SH-A-000000", "NONE", "SH-1-000002"};
            return proto::CreateFindBoxes(b, b.CreateVectorOfStrings(barcodes));
        }));
    };
    const proto::BoxesFound* staff = find(supervisor);
    ASSERT_NE(staff, nullptr);
    ASSERT_EQ(staff->boxes()->size(), 3u);
    const proto::FoundBox* a = staff->boxes()->Get(0);
    EXPECT_EQ(a->box(), s.find_box("SH-A-000000"));
    EXPECT_EQ(a->shipment(), theirs);
    EXPECT_EQ(a->product(), acme_vape);
    EXPECT_EQ(a->units(), 7u);
    EXPECT_EQ(a->damaged(), 2u);
    EXPECT_EQ(staff->boxes()->Get(1)->box(), 0u);
    EXPECT_EQ(staff->boxes()->Get(2)->box(), s.find_box("SH-1-000002"));
    EXPECT_EQ(staff->boxes()->Get(2)->shipment(), sh);
    // Norwood's user: ACME's box is as unknown as a barcode nobody has.
    const proto::BoxesFound* own = find(portal);
    ASSERT_NE(own, nullptr);
    EXPECT_EQ(own->boxes()->Get(0)->box(), 0u);
    EXPECT_EQ(own->boxes()->Get(0)->shipment(), 0u);
    EXPECT_EQ(own->boxes()->Get(2)->box(), s.find_box("SH-1-000002"));
}

TEST_F(views, physical_counts_list_with_the_ledger_balance_at_their_days_close) {
    add_stamps(region::fed, 500);  // 25,000, today
    const day today = local_day(s.settings.zone, now_us);
    expect_ok<physical_count_recorded>(
        supervisor,
        record_physical_count{
            .stamp_region = region::fed, .as_of = today - 1, .counted = 0, .counted_by = "Sam"});
    expect_ok<physical_count_recorded>(
        supervisor,
        record_physical_count{.stamp_region = region::fed, .as_of = today, .counted = 24'990});
    expect_ok<physical_count_recorded>(
        admin, record_physical_count{.stamp_region = region::on, .as_of = today, .counted = 7});
    const auto list_counts = [&](user_id who, std::int16_t region_filter, u32 after) {
        return ask(who, proto::Body::ListPhysicalCounts, [&](auto& b) {
            return proto::CreateListPhysicalCounts(b, region_filter, after);
        });
    };
    const auto* fed = as<proto::PhysicalCountList>(list_counts(finance, 0, 0));
    ASSERT_NE(fed, nullptr);
    ASSERT_EQ(fed->counts()->size(), 2u);
    const proto::PhysicalCountView* before = fed->counts()->Get(0);
    EXPECT_EQ(before->id(), 1u);
    EXPECT_EQ(before->as_of(), today - 1);
    EXPECT_EQ(before->ledger_balance(), 0);  // the stamps came after that day's close
    EXPECT_EQ(before->discrepancy(), 0);
    EXPECT_EQ(before->counted_by()->string_view(), "Sam");
    EXPECT_EQ(before->recorded_by(), supervisor);
    const proto::PhysicalCountView* now = fed->counts()->Get(1);
    EXPECT_EQ(now->counted(), 24'990);
    EXPECT_EQ(now->ledger_balance(), 25'000);
    EXPECT_EQ(now->discrepancy(), -10);
    const auto* after = as<proto::PhysicalCountList>(list_counts(admin, -1, 2));
    ASSERT_NE(after, nullptr);
    ASSERT_EQ(after->counts()->size(), 1u);
    EXPECT_EQ(after->counts()->Get(0)->region(), fb::Region::ON);
    EXPECT_EQ(code_of(list_counts(portal, -1, 0)), proto::Code::FORBIDDEN);
    EXPECT_EQ(code_of(list_counts(admin, 5, 0)), proto::Code::INVALID_ARGUMENT);
}

TEST_F(views, a_consignee_user_lists_only_its_own_products) {
    const auto* list =
        as<proto::ReferenceList>(ask(portal, proto::Body::ListReference, [](auto& b) {
            return proto::CreateListReference(b, proto::ReferenceKind::Products, 0);
        }));
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->rows()->size(), 1u);
    EXPECT_EQ(list->rows()->Get(0)->id(), vape15);
    EXPECT_EQ(list->rows()->Get(0)->key()->string_view(), "VAPE-15");
    EXPECT_EQ(code_of(ask(portal, proto::Body::ListReference,
                          [](auto& b) {
                              return proto::CreateListReference(b, proto::ReferenceKind::Users, 0);
                          })),
              proto::Code::FORBIDDEN);
}

TEST_F(views, reads_need_a_known_viewer) {
    EXPECT_EQ(code_of(get_balances(id_none)), proto::Code::UNAUTHENTICATED);
    EXPECT_EQ(code_of(get_balances(9999)), proto::Code::UNAUTHENTICATED);
}

}  // namespace
}  // namespace stampd::net
