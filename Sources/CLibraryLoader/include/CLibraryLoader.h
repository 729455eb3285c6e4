#ifndef DOCKSTORE_CLIBRARYLOADER_H
#define DOCKSTORE_CLIBRARYLOADER_H

/*
 * libmount, libblkid and libbtrfsutil are loaded on first use (dlopen) instead of at
 * start-up: `dockstore check` runs every minute on every instance and needs none of them,
 * and loading them (with libselinux and libpcre2 behind libmount) costs it more than half a
 * millisecond. This target defines, with hidden visibility, every function of those
 * libraries that dockstore calls; each resolves the real one with dlsym the first time.
 * Swift code calls them by their own names through the header-only modules CMount, CBlkid
 * and CBtrfsUtil. When a library cannot be loaded the call fails the way that library
 * reports failure (NULL, a negative number, an error code) with errno set to ELIBACC, and
 * ds_library_load_error() says why.
 */

/* The dlerror() text of the last library that could not be loaded, or NULL. */
const char *ds_library_load_error(void);

#endif
