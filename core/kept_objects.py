"""A process's memory cache that keeps the objects themselves: for the layout's drawn fragments (core/layout.py).

Django's LocMemCache pickles every value on the way in and unpickles it on the way out (so that nobody changes
what the next caller gets), and checks every key character by character in case it were sent to memcached. The
layout's fragments are strings, which nobody can change, kept in this process's memory only: a page reads three of
them, and both steps cost about 1 % of the employee list's time. Not for mutable values.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache


class KeptObjectsCache(LocMemCache):
    def validate_key(self, key):
        """Keys never leave this process's memory: nothing to check."""

    def get(self, key, default=None, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if not self._has_expired(key):
                return False
            self._set(key, value, timeout)
            return True

    incr = BaseCache.incr  # a get() and a set(): LocMemCache's own unpickles
