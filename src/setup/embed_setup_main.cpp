// Build-time generator: validates a trusted_setup.txt and writes the binary
// form that the library embeds (see binary_format.cpp).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "kzg/codec.hpp"
#include "setup/trusted_setup.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: kzg_embed_setup TRUSTED_SETUP.txt OUT.bin\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::cerr << "kzg_embed_setup: cannot read " << argv[1] << "\n";
        return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto setup = kzg::setup::parse_text_setup(ss.str());
    if (!setup) {
        std::cerr << "kzg_embed_setup: " << argv[1] << ": " << setup.message() << "\n";
        return 1;
    }
    const auto bytes = kzg::setup::serialize_binary(*setup);
    const std::string tmp = std::string(argv[2]) + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out) {
            std::cerr << "kzg_embed_setup: cannot write " << tmp << "\n";
            return 1;
        }
    }
    if (std::rename(tmp.c_str(), argv[2]) != 0) {
        std::cerr << "kzg_embed_setup: cannot rename " << tmp << "\n";
        return 1;
    }
    std::cout << "kzg_embed_setup: " << argv[1] << " sha256 " << kzg::hex_encode(setup->sha256, false) << "\n";
    return 0;
}
