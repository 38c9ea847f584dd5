// Writes the fuzzer's seed corpus: one framed Request per command kind (tests/net/
// command_samples.hpp) and per read kind, plus a Hello. Run once when the protocol grows:
//   build/bin/write_request_corpus tests/net/fuzz/corpus
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "net/protocol/command_codec.hpp"
#include "net/protocol/frame_format.hpp"
#include "tests/net/command_samples.hpp"

namespace {

using namespace stampd;

void write(const std::string& dir, const std::string& name,
           const flatbuffers::FlatBufferBuilder& b) {
    std::uint8_t header[net::frame_header_size];
    net::put_frame_header(header, b.GetSize());
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    out.write(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

template <typename Make>
void read(const std::string& dir, proto::Body kind, Make make) {
    flatbuffers::FlatBufferBuilder b;
    const auto body = make(b);
    b.Finish(proto::CreateRequest(b, 1, kind, body.Union()));
    write(dir, std::string("read-") + proto::EnumNameBody(kind), b);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: write_request_corpus DIR\n");
        return 2;
    }
    const std::string dir = argv[1];
    for (const command& c : net::one_of_each()) {
        flatbuffers::FlatBufferBuilder b;
        net::build_command_request(b, 7, c);
        write(dir, "command-" + std::string(command_name(c)), b);
    }
    read(dir, proto::Body::Hello,
         [](auto& b) { return proto::CreateHelloDirect(b, "admin-token-0123456789"); });
    read(dir, proto::Body::Subscribe, [](auto& b) { return proto::CreateSubscribe(b, 1); });
    read(dir, proto::Body::GetPo, [](auto& b) { return proto::CreateGetPo(b, 1); });
    read(dir, proto::Body::ListPos, [](auto& b) { return proto::CreateListPos(b, 1); });
    read(dir, proto::Body::GetRunQueue, [](auto& b) { return proto::CreateGetRunQueue(b, 1); });
    read(dir, proto::Body::ScanBox,
         [](auto& b) { return proto::CreateScanBoxDirect(b, 1, "BX1"); });
    read(dir, proto::Body::GetBalances, [](auto& b) { return proto::CreateGetBalances(b); });
    read(dir, proto::Body::GetLedgerFigures, [](auto& b) {
        return proto::CreateGetLedgerFigures(b, fb::Region::ON, 0, 1'800'000'000'000'000);
    });
    read(dir, proto::Body::GetShipment, [](auto& b) { return proto::CreateGetShipment(b, 1); });
    read(dir, proto::Body::ListStampOrders,
         [](auto& b) { return proto::CreateListStampOrders(b); });
    read(dir, proto::Body::GetInvoice, [](auto& b) { return proto::CreateGetInvoice(b, 1); });
    read(dir, proto::Body::ListInvoices, [](auto& b) { return proto::CreateListInvoices(b, 1); });
    read(dir, proto::Body::GetCalendar,
         [](auto& b) { return proto::CreateGetCalendar(b, 20'454, 14); });
    read(dir, proto::Body::ListRequests, [](auto& b) { return proto::CreateListRequests(b); });
    read(dir, proto::Body::ListReference,
         [](auto& b) { return proto::CreateListReference(b, proto::ReferenceKind::Products); });
    read(dir, proto::Body::GetSettings, [](auto& b) { return proto::CreateGetSettings(b); });
    read(dir, proto::Body::ListLedgerEntries,
         [](auto& b) { return proto::CreateListLedgerEntries(b, fb::Region::ON); });
    read(dir, proto::Body::FindBoxes, [](auto& b) {
        const std::vector<std::string> barcodes = {"BX1", "BX2"};
        return proto::CreateFindBoxes(b, b.CreateVectorOfStrings(barcodes));
    });
    return 0;
}
