#include "lazy_library.h"
#include "CLibraryLoader.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t ds_lazy_lock = PTHREAD_MUTEX_INITIALIZER;
static char ds_lazy_error_text[512];
static int ds_lazy_failed;

const char *ds_library_load_error(void) {
    return __atomic_load_n(&ds_lazy_failed, __ATOMIC_ACQUIRE) ? ds_lazy_error_text : NULL;
}

void *ds_lazy_symbol(struct ds_lazy_library *library, const char *name) {
    void *symbol = NULL;
    pthread_mutex_lock(&ds_lazy_lock);
    if (!library->handle) {
        library->handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    }
    if (library->handle) {
        dlerror();
        symbol = dlsym(library->handle, name);
    }
    if (!symbol) {
        const char *why = dlerror();
        snprintf(ds_lazy_error_text, sizeof ds_lazy_error_text, "cannot load %s from %s: %s", name,
                 library->soname, why ? why : "not found");
        __atomic_store_n(&ds_lazy_failed, 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&ds_lazy_lock);
    if (!symbol) errno = ELIBACC;
    return symbol;
}
