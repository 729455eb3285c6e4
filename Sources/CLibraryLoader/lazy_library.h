#ifndef DOCKSTORE_LAZY_LIBRARY_H
#define DOCKSTORE_LAZY_LIBRARY_H

/* A shared library opened on first use. */
struct ds_lazy_library {
    const char *soname;
    void *handle;
};

/* The address of `name` in `library`, opening it first if needed; NULL with errno = ELIBACC
 * when the library or the symbol is missing. Safe to call from several threads. */
void *ds_lazy_symbol(struct ds_lazy_library *library, const char *name);

/* Defines `name` with hidden visibility (so the loaded library's own calls never come back
 * here) as a forwarder to the library's `name`, resolved once. */
#define DS_LAZY(library, failure, ret, name, params, args)                           \
    __attribute__((visibility("hidden"))) ret name params {                           \
        static ret(*cached) params;                                                   \
        ret(*fn) params = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                 \
        if (!fn) {                                                                    \
            fn = (ret(*) params)ds_lazy_symbol(&library, #name);                      \
            if (!fn) return failure;                                                  \
            __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);                          \
        }                                                                             \
        return fn args;                                                               \
    }

#define DS_LAZY_VOID(library, name, params, args)                                     \
    __attribute__((visibility("hidden"))) void name params {                          \
        static void(*cached) params;                                                  \
        void(*fn) params = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                \
        if (!fn) {                                                                    \
            fn = (void(*) params)ds_lazy_symbol(&library, #name);                     \
            if (!fn) return;                                                          \
            __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);                          \
        }                                                                             \
        fn args;                                                                      \
    }

#endif
