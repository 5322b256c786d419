// kzgd's response encoders (service/json_codec.hpp, ssz_codec.hpp): outcomes
// of every output kind and error bodies with arbitrary message bytes.
//   byte 0 bit 0 clear: an Outcome (kind = byte 0 / 2 % 8; 48-byte point,
//          32-byte y, valid bit, up to 3 cells and proofs, or sidecar
//          lists and failures, from the input);
//   byte 0 bit 0 set: an ApiError (status u16, message: u8 length + bytes,
//          up to 3 failures: u64 index, u8 length + bytes), and the same
//          bytes through append_json_string.
// Properties (read back with the strict UTF-8 JSON reader of
// fuzz/service_oracle.hpp):
//   - an outcome encodes to exactly the documented object (keys, lower-case
//     0x-hex of the bytes, a boolean), and to the documented SSZ bytes;
//   - an error encodes to {"code","message"[,"failures"]} that is strict UTF-8
//     JSON without raw control bytes; each string reads back as the input
//     with every byte that does not start a well-formed UTF-8 sequence
//     replaced by U+FFFD.
#include "fuzz_common.hpp"
#include "service/json_codec.hpp"
#include "service/ssz_codec.hpp"
#include "service_oracle.hpp"

namespace {

using fuzz::svc::JNode;

std::string lower_hex(const std::uint8_t* p, std::size_t n) {
    static const char* d = "0123456789abcdef";
    std::string s = "0x";
    for (std::size_t i = 0; i < n; i++) {
        s += d[p[i] >> 4];
        s += d[p[i] & 15];
    }
    return s;
}

// What a JSON string of s must read back as.
std::string sanitized(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = fuzz::svc::JReader::utf8_at(s, i);
        if (n == 0) {
            out += "\xef\xbf\xbd";
            i++;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

JNode read_strict(const std::string& text) {
    JNode doc;
    FUZZ_CHECK(fuzz::svc::JReader(text, 8, true).parse(doc) == fuzz::svc::JStatus::kOk,
               "not strict UTF-8 JSON: " + text.substr(0, 300));
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        FUZZ_CHECK(u >= 0x20 && u != 0x7f, "a raw control byte in the JSON text");
    }
    return doc;
}

const JNode* member(const JNode& obj, std::string_view key) {
    for (const auto& m : obj.members)
        if (m.key == key) return &m.value;
    return nullptr;
}

void check_keys(const JNode& obj, std::initializer_list<std::string_view> keys) {
    FUZZ_CHECK(obj.kind == JNode::Kind::kObject && obj.members.size() == keys.size(), "wrong members");
    std::size_t i = 0;
    for (auto k : keys) FUZZ_CHECK(obj.members[i++].key == k, "member order/name: want " + std::string(k));
}

void check_hex(const JNode* v, const std::uint8_t* p, std::size_t n) {
    FUZZ_CHECK(v && v->kind == JNode::Kind::kString && !v->escaped && v->text == lower_hex(p, n), "hex value");
}

template <class T>
void check_hex_list(const JNode* v, const std::vector<T>& list) {
    FUZZ_CHECK(v && v->kind == JNode::Kind::kArray && v->items.size() == list.size(), "list length");
    for (std::size_t i = 0; i < list.size(); i++) check_hex(&v->items[i], list[i].data(), T::size());
}

std::string read_text(fuzz::Reader& r) {
    const std::size_t n = r.u8();
    auto s = r.take(n);
    return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

void outcome(fuzz::Reader& r, std::uint8_t mode) {
    kzgd::Outcome o;
    o.kind = static_cast<kzgd::Output>((mode >> 1) % 8);
    r.bytes(o.point.data(), 48);
    r.bytes(o.y.data(), 32);
    o.valid = r.u8() & 1;
    using O = kzgd::Output;
    if (o.kind == O::kCells || o.kind == O::kCellsAndProofs) {
        o.cells.resize(r.u8() % 4);
        for (auto& c : o.cells) r.bytes(c.data(), c.size());
        if (o.kind == O::kCellsAndProofs) {
            o.proofs.resize(o.cells.size());
            for (auto& p : o.proofs) r.bytes(p.data(), p.size());
        }
    }
    if (o.kind == O::kBlobSidecar) {
        o.version = r.u8() & 1;
        o.commitments.resize(r.u8() % 4);
        o.versioned_hashes.resize(o.commitments.size());
        o.proofs.resize(r.u8() % 4);
        for (auto& c : o.commitments) r.bytes(c.data(), c.size());
        for (auto& h : o.versioned_hashes) r.bytes(h.data(), h.size());
        for (auto& p : o.proofs) r.bytes(p.data(), p.size());
    }
    if (o.kind == O::kSidecarChecks) {
        o.failures.resize(r.u8() % 4);
        for (auto& f : o.failures) {
            f.index = r.u8();
            f.message = read_text(r);
        }
    }
    const JNode doc = read_strict(kzgd::encode_json_outcome(o));
    std::string ssz_want;
    auto raw = [&](const std::uint8_t* p, std::size_t n) { ssz_want.append(reinterpret_cast<const char*>(p), n); };
    switch (o.kind) {
        case O::kCommitment:
            check_keys(doc, {"commitment"});
            check_hex(member(doc, "commitment"), o.point.data(), 48);
            raw(o.point.data(), 48);
            break;
        case O::kProof:
            check_keys(doc, {"proof"});
            check_hex(member(doc, "proof"), o.point.data(), 48);
            raw(o.point.data(), 48);
            break;
        case O::kProofAndY:
            check_keys(doc, {"proof", "y"});
            check_hex(member(doc, "proof"), o.point.data(), 48);
            check_hex(member(doc, "y"), o.y.data(), 32);
            raw(o.point.data(), 48);
            raw(o.y.data(), 32);
            break;
        case O::kValid: {
            check_keys(doc, {"valid"});
            const JNode* v = member(doc, "valid");
            FUZZ_CHECK(v->kind == JNode::Kind::kBool && v->boolean == o.valid, "valid");
            ssz_want = o.valid ? std::string(1, '\x01') : std::string(1, '\x00');
            break;
        }
        case O::kCells:
            check_keys(doc, {"cells"});
            check_hex_list(member(doc, "cells"), o.cells);
            for (const auto& c : o.cells) raw(c.data(), c.size());
            break;
        case O::kCellsAndProofs:
            check_keys(doc, {"cells", "proofs"});
            check_hex_list(member(doc, "cells"), o.cells);
            check_hex_list(member(doc, "proofs"), o.proofs);
            for (const auto& c : o.cells) raw(c.data(), c.size());
            for (const auto& p : o.proofs) raw(p.data(), p.size());
            break;
        case O::kBlobSidecar: {
            const char* proofs = o.version == 0 ? "proofs" : "cell_proofs";
            check_keys(doc, {"commitments", "versioned_hashes", proofs});
            check_hex_list(member(doc, "commitments"), o.commitments);
            check_hex_list(member(doc, "versioned_hashes"), o.versioned_hashes);
            check_hex_list(member(doc, proofs), o.proofs);
            // SSZ container: three u32le offsets, then the three lists.
            const std::size_t c = 12 + 48 * o.commitments.size(), h = c + 32 * o.versioned_hashes.size();
            for (std::size_t off : {std::size_t{12}, c, h})
                for (int b = 0; b < 4; b++) ssz_want += static_cast<char>((off >> (8 * b)) & 0xff);
            for (const auto& x : o.commitments) raw(x.data(), x.size());
            for (const auto& x : o.versioned_hashes) raw(x.data(), x.size());
            for (const auto& x : o.proofs) raw(x.data(), x.size());
            break;
        }
        case O::kSidecarChecks: {
            check_keys(doc, {"valid", "failures"});
            const JNode* v = member(doc, "valid");
            FUZZ_CHECK(v->kind == JNode::Kind::kBool && v->boolean == o.valid, "valid");
            const JNode* f = member(doc, "failures");
            FUZZ_CHECK(f->kind == JNode::Kind::kArray && f->items.size() == o.failures.size(), "failures");
            for (std::size_t i = 0; i < o.failures.size(); i++) {
                check_keys(f->items[i], {"index", "message"});
                FUZZ_CHECK(member(f->items[i], "index")->text == std::to_string(o.failures[i].index), "index");
                FUZZ_CHECK(member(f->items[i], "message")->text == sanitized(o.failures[i].message), "message");
            }
            ssz_want = o.valid ? std::string(1, '\x01') : std::string(1, '\x00');
            break;
        }
    }
    FUZZ_CHECK(kzgd::encode_ssz_outcome(o) == ssz_want, "SSZ outcome bytes");
}

void error(fuzz::Reader& r) {
    kzgd::ApiError e;
    e.status = r.u16();
    e.message = read_text(r);
    e.failures.resize(r.u8() % 4);
    for (auto& f : e.failures) {
        f.index = r.u64();
        f.message = read_text(r);
    }
    const JNode doc = read_strict(kzgd::encode_json_error(e));
    if (e.failures.empty()) check_keys(doc, {"code", "message"});
    else check_keys(doc, {"code", "message", "failures"});
    const JNode* code = member(doc, "code");
    FUZZ_CHECK(code->kind == JNode::Kind::kNumber && code->text == std::to_string(e.status), "code");
    const JNode* msg = member(doc, "message");
    FUZZ_CHECK(msg->kind == JNode::Kind::kString && msg->text == sanitized(e.message), "message text");
    if (!e.failures.empty()) {
        const JNode* list = member(doc, "failures");
        FUZZ_CHECK(list->kind == JNode::Kind::kArray && list->items.size() == e.failures.size(), "failures");
        for (std::size_t i = 0; i < e.failures.size(); i++) {
            const JNode& f = list->items[i];
            check_keys(f, {"index", "message"});
            FUZZ_CHECK(f.members[0].value.kind == JNode::Kind::kNumber &&
                           f.members[0].value.text == std::to_string(e.failures[i].index),
                       "failure index");
            FUZZ_CHECK(f.members[1].value.text == sanitized(e.failures[i].message), "failure message");
        }
    }
    // append_json_string alone, on everything that is left.
    const auto rest = r.rest();
    const std::string_view s(reinterpret_cast<const char*>(rest.data()), rest.size());
    std::string lit;
    kzgd::append_json_string(lit, s);
    const JNode str = read_strict(lit);
    FUZZ_CHECK(str.kind == JNode::Kind::kString && str.text == sanitized(s), "append_json_string");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Reader r(data, size);
    const std::uint8_t mode = r.u8();
    if (mode & 1) error(r);
    else outcome(r, mode);
    return 0;
}
