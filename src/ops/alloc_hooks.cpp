// Counting replacements of the global operator new/delete, linked into the
// kzgd executable only (not into the libraries, so tools and tests keep the
// plain allocator).
//
// Why here and not with malloc hooks or /proc sampling: every C++ allocation
// of the process passes through these operators, including the library's
// std::vector<Fr>/<blst_p1> working memory, decoded request arguments, Beast's
// buffers and the response bodies, so the count is exact and immediate
// (resident memory from /proc is neither). blst itself allocates nothing; the
// remaining C allocations (libc, Boost.Asio's small handlers) are small.
// The cost is two relaxed atomic operations per call (ops/memory_tracker.hpp)
// plus malloc_usable_size, which reads the chunk header: the size counted on
// free is exactly the size counted on allocation.
#include <malloc.h>

#include <cstdlib>
#include <new>

#include "ops/memory_tracker.hpp"

namespace {

struct EnableTracking {
    EnableTracking() { kzgd::ops::memory::g_enabled.store(true, std::memory_order_relaxed); }
} const enable_tracking;

void* counted_alloc(std::size_t n, std::size_t align) {
    if (n == 0) n = 1;
    void* p = align <= alignof(std::max_align_t) ? std::malloc(n) : std::aligned_alloc(align, (n + align - 1) / align * align);
    if (p) kzgd::ops::memory::on_alloc(malloc_usable_size(p));
    return p;
}

void* alloc_or_throw(std::size_t n, std::size_t align) {
    for (;;) {
        if (void* p = counted_alloc(n, align)) return p;
        std::new_handler h = std::get_new_handler();
        if (!h) throw std::bad_alloc();
        h();
    }
}

void counted_free(void* p) noexcept {
    if (!p) return;
    kzgd::ops::memory::on_free(malloc_usable_size(p));
    std::free(p);
}

}  // namespace

void* operator new(std::size_t n) { return alloc_or_throw(n, 0); }
void* operator new[](std::size_t n) { return alloc_or_throw(n, 0); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return alloc_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return alloc_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }
