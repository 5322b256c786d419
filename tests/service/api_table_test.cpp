// The function -> fields table, written once in C++ (kzgd::functions(),
// src/service/api.cpp) and once in docs/openapi.json (which kzgd embeds and
// serves, and from which tests/service/kzgd_functions.py gives the Python
// tests and fuzz/make_corpus.py theirs): the two must agree. For every
// function whose body is its fields: the JSON request schema lists the fields
// in SSZ container order, lists as arrays, values of the table's sizes; the
// spec functions (the /v1 operations tagged EIP-4844 or EIP-7594, which
// kzgd_functions.py reads) come first, in the table's order, and require
// every field.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "service/api.hpp"
#include "service/json_reader.hpp"
#include "service/openapi.hpp"

namespace {

using kzgd::JValue;

std::string str(const JValue* v) {
    return v != nullptr && v->kind == JValue::Kind::kString ? kzgd::unescape(v->text) : "";
}

const JValue* path(const JValue* v, std::initializer_list<std::string_view> keys) {
    for (auto k : keys) {
        if (v == nullptr || v->kind != JValue::Kind::kObject) return nullptr;
        v = kzgd::find_member(*v, k);
    }
    return v;
}

class ApiTable : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto error = kzgd::parse_json(kzgd::openapi_json(), 1 << 20, doc_);
        ASSERT_FALSE(error) << "docs/openapi.json: " << *error;
        schemas_ = path(&doc_, {"components", "schemas"});
        ASSERT_NE(schemas_, nullptr);
    }

    const JValue* schema(const std::string& ref) const {
        const std::string prefix = "#/components/schemas/";
        if (ref.rfind(prefix, 0) != 0) return nullptr;
        return kzgd::find_member(*schemas_, ref.substr(prefix.size()));
    }

    // Bytes of one value of a field's (element) schema, as kzgd_functions.py
    // reads it: a 0x-hex string by its pattern, a UInt64 8; 0 otherwise.
    std::size_t value_size(const JValue* node) const {
        for (int hops = 0; node != nullptr && hops < 8; hops++) {
            if (const JValue* ref = kzgd::find_member(*node, "$ref")) {
                const std::string r = str(ref);
                if (r == "#/components/schemas/UInt64") return 8;
                node = schema(r);
            } else if (const JValue* all = kzgd::find_member(*node, "allOf");
                       all != nullptr && all->kind == JValue::Kind::kArray && all->items.size() == 1) {
                node = &all->items[0];
            } else {
                break;
            }
        }
        std::smatch m;
        const std::string pattern = node == nullptr ? "" : str(kzgd::find_member(*node, "pattern"));
        if (!std::regex_match(pattern, m, std::regex(R"(\^0x\[0-9a-fA-F\]\{(\d+)\}\$)"))) return 0;
        return std::stoul(m[1].str()) / 2;
    }

    JValue doc_;
    const JValue* schemas_ = nullptr;
};

TEST_F(ApiTable, RequestSchemasAreTheFunctionTable) {
    std::size_t checked = 0;
    for (const auto& fn : kzgd::functions()) {
        if (fn.body != kzgd::Body::kFields) continue;
        SCOPED_TRACE(std::string(fn.name));
        const JValue* op = path(&doc_, {"paths", "/v1/" + std::string(fn.name), "post"});
        ASSERT_NE(op, nullptr) << "no POST /v1/" << fn.name << " in docs/openapi.json";
        const JValue* request =
            schema(str(path(op, {"requestBody", "content", "application/json", "schema", "$ref"})));
        ASSERT_NE(request, nullptr) << "no JSON request schema";
        const JValue* properties = kzgd::find_member(*request, "properties");
        ASSERT_NE(properties, nullptr);
        std::vector<std::string> table, documented;
        for (auto f : fn.fields) table.emplace_back(kzgd::field_name(f));
        for (const auto& m : properties->members) documented.push_back(m.key);
        EXPECT_EQ(documented, table) << "properties, in SSZ container order";
        for (auto f : fn.fields) {
            const JValue* prop = kzgd::find_member(*properties, kzgd::field_name(f));
            if (prop == nullptr) continue;
            SCOPED_TRACE(std::string(kzgd::field_name(f)));
            const bool array = str(kzgd::find_member(*prop, "type")) == "array";
            EXPECT_EQ(array, kzgd::is_list(kzgd::field_type(f)));
            EXPECT_EQ(value_size(array ? kzgd::find_member(*prop, "items") : prop),
                      kzgd::element_size(kzgd::field_type(f)));
        }
        checked++;
    }
    EXPECT_GE(checked, kzgd::kSpecFunctions);
}

TEST_F(ApiTable, SpecOperationsAreTheSpecFunctions) {
    // What kzgd_functions.py reads: the operations tagged EIP-4844 or EIP-7594,
    // in document order, and their "required" lists.
    std::vector<std::string> names;
    std::vector<std::vector<std::string>> required;
    for (const auto& [route, item] : path(&doc_, {"paths"})->members) {
        const JValue* op = path(&item, {"post"});
        const JValue* tags = op == nullptr ? nullptr : kzgd::find_member(*op, "tags");
        bool spec = false;
        if (tags != nullptr)
            for (const auto& t : tags->items) spec = spec || str(&t) == "EIP-4844" || str(&t) == "EIP-7594";
        if (!spec || route.rfind("/v1/", 0) != 0) continue;
        names.push_back(route.substr(4));
        required.emplace_back();
        const JValue* request =
            schema(str(path(op, {"requestBody", "content", "application/json", "schema", "$ref"})));
        if (const JValue* r = request == nullptr ? nullptr : kzgd::find_member(*request, "required"))
            for (const auto& v : r->items) required.back().push_back(str(&v));
    }
    ASSERT_EQ(names.size(), kzgd::kSpecFunctions);
    for (std::size_t i = 0; i < kzgd::kSpecFunctions; i++) {
        const auto& fn = kzgd::functions()[i];
        EXPECT_EQ(names[i], fn.name);
        std::vector<std::string> table;
        for (auto f : fn.fields) table.emplace_back(kzgd::field_name(f));
        EXPECT_EQ(required[i], table) << fn.name << ": \"required\", in SSZ container order";
    }
}

}  // namespace
