// Answers as json::value through the embedded binary schema, and their readable rendering
// (view.hpp). The Response was verified by the client library (flatbuffers::Verifier,
// nested event buffers included), so the walk trusts offsets; it is bounded by the schema's depth.
#include "clients/lib/view.hpp"

#include <flatbuffers/reflection.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <climits>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/calendar_time.hpp"
#include "engine/types.hpp"
#include "protocol_bfbs_generated.h"  // clients/lib/CMakeLists.txt: the schema, embedded

namespace stampd::client {
namespace {

using reflection::BaseType;

const reflection::Schema& schema() {
    static const reflection::Schema* s = [] {
        flatbuffers::Verifier verifier(proto::RequestBinarySchema::data(),
                                       proto::RequestBinarySchema::size());
        const bool ok = reflection::VerifySchemaBuffer(verifier);
        assert(ok && "the embedded schema verifies");
        (void)ok;
        return reflection::GetSchema(proto::RequestBinarySchema::data());
    }();
    return *s;
}

const reflection::Object& object_named(const char* name) {
    const reflection::Object* o = schema().objects()->LookupByKey(name);
    assert(o != nullptr);
    return *o;
}

bool is_integer(BaseType t) {
    return t >= BaseType::UType && t <= BaseType::ULong;
}
bool is_signed(BaseType t) {
    return t == BaseType::Byte || t == BaseType::Short || t == BaseType::Int || t == BaseType::Long;
}

std::int64_t read_signed(BaseType t, const std::uint8_t* p) {
    switch (t) {
        case BaseType::Byte:
            return flatbuffers::ReadScalar<std::int8_t>(p);
        case BaseType::Short:
            return flatbuffers::ReadScalar<std::int16_t>(p);
        case BaseType::Int:
            return flatbuffers::ReadScalar<std::int32_t>(p);
        default:
            return flatbuffers::ReadScalar<std::int64_t>(p);
    }
}
std::uint64_t read_unsigned(BaseType t, const std::uint8_t* p) {
    switch (t) {
        case BaseType::UType:
        case BaseType::Bool:
        case BaseType::UByte:
            return flatbuffers::ReadScalar<std::uint8_t>(p);
        case BaseType::UShort:
            return flatbuffers::ReadScalar<std::uint16_t>(p);
        case BaseType::UInt:
            return flatbuffers::ReadScalar<std::uint32_t>(p);
        default:
            return flatbuffers::ReadScalar<std::uint64_t>(p);
    }
}

// The name of an enum's value, or the number when this build does not know it.
json::value enum_value(int enum_index, std::int64_t raw) {
    const reflection::Enum* e =
        schema().enums()->Get(static_cast<flatbuffers::uoffset_t>(enum_index));
    if (const reflection::EnumVal* v = e->values()->LookupByKey(raw)) return v->name()->str();
    return raw;
}

json::value role_names(std::uint64_t bits) {
    json::array names;
    for (std::size_t r = 0; r < role_count; ++r)
        if ((bits >> r) & 1u) names.emplace_back(to_string(static_cast<role>(r)));
    return names;
}

bool is_day_field(std::string_view name) {
    return name == "scheduled" || name == "on" || name == "due" || name == "day" ||
           name == "from_day" || name == "as_of";
}

// An integer as a person reads it: enum names, days, roles, "none" markers as null.
json::value integer_value(const reflection::Field& f, BaseType t, const std::uint8_t* p) {
    const std::string_view name = f.name()->string_view();
    const std::int64_t as_signed =
        is_signed(t) ? read_signed(t, p) : static_cast<std::int64_t>(read_unsigned(t, p));
    if (t == BaseType::Bool) return read_unsigned(t, p) != 0;
    if (f.type()->index() >= 0) return enum_value(f.type()->index(), as_signed);
    if (t == BaseType::Int && is_day_field(name)) {
        const auto d = static_cast<day>(as_signed);
        return d == no_day ? json::value{} : json::value{format_day(d)};
    }
    if (t == BaseType::UByte && name == "roles") return role_names(read_unsigned(t, p));
    if (t == BaseType::UByte && (name == "region" || name == "state")) {
        const std::uint64_t v = read_unsigned(t, p);
        if (v == 0xFF) return nullptr;
        if (name == "region" && v < region_count) return to_string(static_cast<region>(v));
        return v;
    }
    if (is_signed(t)) return as_signed;
    return read_unsigned(t, p);
}

json::value table_value(const reflection::Object& o, const flatbuffers::Table& t);

json::value struct_value(const reflection::Object& o, const std::uint8_t* base) {
    json::object out;
    std::vector<const reflection::Field*> fields(o.fields()->begin(), o.fields()->end());
    std::sort(fields.begin(), fields.end(),
              [](auto* a, auto* b) { return a->offset() < b->offset(); });
    for (const reflection::Field* f : fields) {
        const BaseType t = f->type()->base_type();
        const std::uint8_t* p = base + f->offset();
        if (t == BaseType::Array) {
            static constexpr char hex[] = "0123456789abcdef";
            std::string text;  // only Token's 32 bytes: print as hex
            for (std::uint16_t i = 0; i < f->type()->fixed_length(); ++i) {
                text += hex[p[i] >> 4];
                text += hex[p[i] & 15];
            }
            out.emplace_back(f->name()->str(), text);
        } else if (t == BaseType::Obj) {
            out.emplace_back(f->name()->str(),
                             struct_value(*schema().objects()->Get(f->type()->index()), p));
        } else {
            out.emplace_back(f->name()->str(), integer_value(*f, t, p));
        }
    }
    return out;
}

const reflection::Object& object_at(int index) {
    return *schema().objects()->Get(static_cast<flatbuffers::uoffset_t>(index));
}

// An EventBytes element: the event its nested EventRecord holds.
json::value nested_event(const flatbuffers::Vector<std::uint8_t>* bytes) {
    if (bytes == nullptr) return nullptr;
    const auto* record = flatbuffers::GetRoot<flatbuffers::Table>(bytes->data());
    json::value v = table_value(object_named("stampd.fb.EventRecord"), *record);
    if (json::value* event = json::find(*v.as_object(), "event")) return std::move(*event);
    return v;
}

json::value element_value(const reflection::Type& type, const std::uint8_t* p) {
    const BaseType e = type.element();
    if (e == BaseType::String) {
        const auto* s = reinterpret_cast<const flatbuffers::String*>(
            p + flatbuffers::ReadScalar<flatbuffers::uoffset_t>(p));
        return s->str();
    }
    if (e == BaseType::Obj) {
        const reflection::Object& o = object_at(type.index());
        if (o.is_struct()) return struct_value(o, p);
        const auto* t = reinterpret_cast<const flatbuffers::Table*>(
            p + flatbuffers::ReadScalar<flatbuffers::uoffset_t>(p));
        return table_value(o, *t);
    }
    if (e == BaseType::Bool) return read_unsigned(e, p) != 0;
    if (type.index() >= 0) {
        return enum_value(type.index(), is_signed(e)
                                            ? read_signed(e, p)
                                            : static_cast<std::int64_t>(read_unsigned(e, p)));
    }
    if (is_signed(e)) return read_signed(e, p);
    return read_unsigned(e, p);
}

json::value vector_value(const reflection::Type& type, const flatbuffers::VectorOfAny* v) {
    std::size_t element_size = flatbuffers::GetTypeSize(type.element());
    if (type.element() == BaseType::Obj && object_at(type.index()).is_struct()) {
        element_size = object_at(type.index()).bytesize();
    }
    json::array out;
    out.reserve(v->size());
    for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i)
        out.push_back(element_value(type, v->Data() + i * element_size));
    return out;
}

json::value union_value(const reflection::Object& o, const reflection::Field& f,
                        const flatbuffers::Table& t) {
    const std::string type_name = f.name()->str() + "_type";
    const reflection::Field* type_field = o.fields()->LookupByKey(type_name.c_str());
    if (type_field == nullptr) return nullptr;
    const std::uint8_t kind = t.GetField<std::uint8_t>(type_field->offset(), 0);
    const reflection::Enum* e = schema().enums()->Get(f.type()->index());
    const reflection::EnumVal* v = e->values()->LookupByKey(kind);
    const auto* inner = t.GetPointer<const flatbuffers::Table*>(f.offset());
    if (v == nullptr || v->union_type() == nullptr || inner == nullptr) return nullptr;
    json::value body = table_value(object_at(v->union_type()->index()), *inner);
    json::object out{{"type", v->name()->str()}};
    for (json::member& m : *body.as_object())
        out.push_back(std::move(m));
    return out;
}

// A present field's value, or nothing (absent tables, strings and vectors are left out).
bool field_value(const reflection::Object& o, const reflection::Field& f,
                 const flatbuffers::Table& t, json::value& out) {
    const BaseType b = f.type()->base_type();
    if (b == BaseType::UType) return false;  // printed as its union's "type"
    if (b == BaseType::String) {
        const auto* s = t.GetPointer<const flatbuffers::String*>(f.offset());
        if (s != nullptr) out = s->str();
        return s != nullptr;
    }
    if (b == BaseType::Vector) {
        if (o.name()->string_view() == "stampd.proto.EventBytes") return false;
        const auto* v = t.GetPointer<const flatbuffers::VectorOfAny*>(f.offset());
        if (v != nullptr) out = vector_value(*f.type(), v);
        return v != nullptr;
    }
    if (b == BaseType::Obj) {
        const reflection::Object& inner = object_at(f.type()->index());
        if (inner.is_struct()) {
            const std::uint8_t* p = t.GetStruct<const std::uint8_t*>(f.offset());
            if (p != nullptr) out = struct_value(inner, p);
            return p != nullptr;
        }
        const auto* sub = t.GetPointer<const flatbuffers::Table*>(f.offset());
        if (sub != nullptr) out = table_value(inner, *sub);
        return sub != nullptr;
    }
    if (b == BaseType::Union) {
        out = union_value(o, f, t);
        return !out.is_null();
    }
    if (is_integer(b)) {
        // An absent scalar holds its default: write the default's bytes and read them back.
        std::array<std::uint8_t, 8> fallback{};
        const std::int64_t def = f.default_integer();
        std::memcpy(fallback.data(), &def, sizeof def);  // little-endian, as FlatBuffers
        const std::uint8_t* p = t.GetAddressOf(f.offset());
        out = integer_value(f, b, p != nullptr ? p : fallback.data());
        return true;
    }
    return false;
}

json::value table_value(const reflection::Object& o, const flatbuffers::Table& t) {
    if (o.name()->string_view() == "stampd.proto.EventBytes") {
        const reflection::Field* bytes = o.fields()->LookupByKey("bytes");
        return nested_event(
            t.GetPointer<const flatbuffers::Vector<std::uint8_t>*>(bytes->offset()));
    }
    std::vector<const reflection::Field*> fields(o.fields()->begin(), o.fields()->end());
    std::sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->id() < b->id(); });
    json::object out;
    for (const reflection::Field* f : fields) {
        json::value v;
        // A deprecated field is never written: showing its default would read as a figure.
        if (f->deprecated()) continue;
        if (field_value(o, *f, t, v)) out.emplace_back(f->name()->str(), std::move(v));
    }
    return out;
}

// ---------------------------------------------------------------- readable text

std::string scalar_text(const json::value& v) {
    if (v.is_null()) return "-";
    if (const std::string* s = v.as_string()) return *s;
    if (const json::array* a = v.as_array()) {
        std::string out;
        for (const json::value& e : *a) {
            if (!out.empty()) out += ',';
            out += render_line(e);
        }
        return out.empty() ? "-" : out;
    }
    return json::to_string(v);
}

bool all_scalar(const json::object& o) {
    return std::all_of(o.begin(), o.end(), [](const json::member& m) {
        const json::array* a = m.second.as_array();
        return m.second.as_object() == nullptr &&
               (a == nullptr || std::all_of(a->begin(), a->end(),
                                            [](const json::value& e) { return e.is_scalar(); }));
    });
}

// Rows of flat objects as an aligned table under a header of their keys.
std::string render_table(const json::array& rows, int indent) {
    const json::object& first = *rows.front().as_object();
    std::vector<std::size_t> widths;
    for (const json::member& m : first)
        widths.push_back(m.first.size());
    std::vector<std::vector<std::string>> cells;
    for (const json::value& row : rows) {
        std::vector<std::string> line;
        for (std::size_t c = 0; c < first.size(); ++c) {
            const json::value* v = json::find(*row.as_object(), first[c].first);
            line.push_back(v != nullptr ? scalar_text(*v) : "-");
            widths[c] = std::max(widths[c], line.back().size());
        }
        cells.push_back(std::move(line));
    }
    const auto emit = [&](std::string& out, auto&& text_of) {
        out.append(static_cast<std::size_t>(indent), ' ');
        for (std::size_t c = 0; c < widths.size(); ++c) {
            const std::string text = text_of(c);
            out += text;
            if (c + 1 < widths.size()) out.append(widths[c] - text.size() + 2, ' ');
        }
        out += '\n';
    };
    std::string out;
    emit(out, [&](std::size_t c) { return first[c].first; });
    for (const auto& line : cells)
        emit(out, [&](std::size_t c) { return line[c]; });
    return out;
}

bool is_table_of_rows(const json::array& a) {
    return !a.empty() && std::all_of(a.begin(), a.end(), [](const json::value& e) {
        return e.as_object() != nullptr && all_scalar(*e.as_object()) &&
               json::find(*e.as_object(), "type") == nullptr;
    });
}

}  // namespace

json::value reply_value(const proto::Response& response) {
    const auto& t = reinterpret_cast<const flatbuffers::Table&>(response);
    json::value whole = table_value(object_named("stampd.proto.Response"), t);
    if (json::value* reply = json::find(*whole.as_object(), "reply")) return std::move(*reply);
    return json::object{};
}

std::string render_line(const json::value& v) {
    const json::object* o = v.as_object();
    if (o == nullptr) return scalar_text(v);
    std::string out;
    for (const json::member& m : *o) {
        if (!out.empty()) out += ' ';
        if (m.first == "type") {
            out += scalar_text(m.second);
            continue;
        }
        out += m.first + '=';
        if (const json::array* a = m.second.as_array()) {
            out += '[';
            for (std::size_t i = 0; i < a->size(); ++i)
                out += (i > 0 ? ", " : "") + render_line((*a)[i]);
            out += ']';
        } else if (m.second.as_object() != nullptr) {
            out += '{' + render_line(m.second) + '}';
        } else {
            out += scalar_text(m.second);
        }
    }
    return out;
}

std::string render_block(const json::object& o, int indent) {
    std::string out;
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    for (const json::member& m : o) {
        const json::array* a = m.second.as_array();
        const json::object* inner = m.second.as_object();
        if (a != nullptr && is_table_of_rows(*a)) {
            out += pad + m.first + ":\n" + render_table(*a, indent + 2);
        } else if (a != nullptr && !a->empty() && !a->front().is_scalar()) {
            out += pad + m.first + ":\n";
            for (const json::value& e : *a)
                out += pad + "  " + render_line(e) + '\n';
        } else if (inner != nullptr && !all_scalar(*inner)) {
            out += pad + m.first + ":\n" + render_block(*inner, indent + 2);
        } else if (inner != nullptr) {
            out += pad + m.first + ": " + render_line(m.second) + '\n';
        } else {
            out += pad + m.first + ": " + scalar_text(m.second) + '\n';
        }
    }
    return out;
}

}  // namespace stampd::client
