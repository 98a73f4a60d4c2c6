"""Customers, journal and faults in Redis, shared by every mock process that names the server.

Several `juspay-mock` processes (`--workers N`, or replicas behind a load balancer) on one Redis
see the same customers, one journal and one set of pending faults. Every write that must be
unique or counted is one Lua script, which Redis runs atomically: a create checks and sets its
id and `object_reference_id` in one step, never check-then-set across processes. Merchants are
named by a digest of their API key (`merchant_digest`), so Redis holds no key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
import redis

from ._faults import Fault
from ._journal import Record, arrived
from ._responses import dumps, loads
from ._routes import Routes
from ._sqlite import merchant_digest
from ._store import Change, DuplicateError, check_batch, shown_url

PREFIX = "juspay-mock:"
_ANONYMOUS = "anonymous"  # the journal of requests without a valid key

_GET = """
local body = redis.call('HGET', KEYS[1], ARGV[1])
if body then return body end
local id = redis.call('HGET', KEYS[2], ARGV[1])
if id then return redis.call('HGET', KEYS[1], id) end
return false
"""

# ARGV: id, reference, body for each customer. All or none; {index, field, taken as} if an id or
# reference is taken, as an id or as a reference (one namespace per merchant).
_INSERT = """
local n = #ARGV / 3
local fields = {'id', 'object_reference_id'}
for i = 0, n - 1 do
  for f = 1, 2 do
    local value = ARGV[i * 3 + f]
    if redis.call('HEXISTS', KEYS[1], value) == 1 then return {i, fields[f], 'id'} end
    if redis.call('HEXISTS', KEYS[2], value) == 1 then
      return {i, fields[f], 'object_reference_id'}
    end
  end
end
for i = 0, n - 1 do
  redis.call('HSET', KEYS[1], ARGV[i * 3 + 1], ARGV[i * 3 + 3])
  redis.call('HSET', KEYS[2], ARGV[i * 3 + 2], ARGV[i * 3 + 1])
  redis.call('RPUSH', KEYS[3], ARGV[i * 3 + 1])
end
return false
"""

# ARGV: method, then the path's names (`Routes.names`). The first matching fault, one of its
# count consumed.
_TAKE_FAULT = """
local faults = redis.call('LRANGE', KEYS[1], 0, -1)
for i, encoded in ipairs(faults) do
  local f = cjson.decode(encoded)
  local method_ok = f.method == cjson.null or f.method == ARGV[1]
  local path_ok = f.path == cjson.null or f.path == ARGV[2] or f.path == ARGV[3]
    or f.path == ARGV[4]
  if method_ok and path_ok then
    f.count = f.count - 1
    if f.count <= 0 then
      redis.call('LSET', KEYS[1], i - 1, '')
      redis.call('LREM', KEYS[1], 1, '')
    else
      redis.call('LSET', KEYS[1], i - 1, cjson.encode(f))
    end
    return encoded
  end
end
return false
"""


# Seconds a command waits for Redis's answer (`?socket_timeout=` in the URL overrides it). The
# store is synchronous, so the whole process waits with it: a Redis that stops answering fails
# a request with 500 after this, not after the 30 s a client waits by default.
SOCKET_TIMEOUT = 5.0


def connect(url: str) -> redis.Redis:
    """A client for `url`; `ValueError` if the server cannot be reached."""
    try:
        client = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
        )
        client.ping()
    except (redis.RedisError, ValueError, TypeError) as error:  # TypeError: an unknown ?option
        shown = shown_url(url)
        # redis-py's message may quote a malformed URL, password and all: then its kind only.
        why = str(error) if shown == url else type(error).__name__
        raise ValueError(f"store: cannot reach Redis at {shown}: {why}") from None
    return client


class RedisCustomers:
    """The customers of one API key in Redis: by id, reference to id, and in creation order."""

    __slots__ = ("_client", "_get", "_insert", "_keys")

    def __init__(self, client: redis.Redis, merchant: str) -> None:
        base = f"{PREFIX}{merchant}:"
        self._client = client
        self._keys = (base + "customers", base + "references", base + "order")
        self._get = client.register_script(_GET)
        self._insert = client.register_script(_INSERT)

    def get(self, key: str) -> bytes | None:
        body = self._get(keys=self._keys[:2], args=[key])
        return None if body is None else bytes(body)

    def insert(self, customers: Iterable[Mapping[str, Any]]) -> list[bytes]:
        rows = [(c["id"], c["object_reference_id"], dumps(c)) for c in customers]
        check_batch(rows)
        taken = self._insert(keys=self._keys, args=[value for row in rows for value in row])
        if taken is not None:
            index, field, taken_as = int(taken[0]), taken[1].decode(), taken[2].decode()
            customer_id, reference, _ = rows[index]
            value = customer_id if field == "id" else reference
            raise DuplicateError(index, field, value, False, taken_as)
        return [body for _, _, body in rows]

    def modify(self, key: str, change: Change) -> bytes | None:
        customers = self._keys[0]
        with self._client.pipeline() as pipe:
            while True:  # optimistic: retried when another process wrote the merchant's customers
                try:
                    pipe.watch(customers)  # type: ignore[no-untyped-call]
                    body = self.get(key)
                    if body is None:
                        return None
                    customer = loads(body)
                    change(customer)
                    body = dumps(customer)
                    pipe.multi()
                    pipe.hset(customers, customer["id"], body)
                    pipe.execute()
                    return body
                except redis.WatchError:
                    continue

    def bodies(self) -> list[bytes]:
        ids = self._client.lrange(self._keys[2], 0, -1)
        if not ids:
            return []
        found: list[bytes | None] = self._client.hmget(self._keys[0], ids)  # type: ignore[assignment]
        return [body for body in found if body is not None]

    def clear(self) -> None:
        self._client.delete(*self._keys)


class RedisStore:
    """Every API key's customers in the Redis server at `url` (`redis://host:port/db`)."""

    def __init__(self, url: str, api_keys: Iterable[str]) -> None:
        self.client = connect(url)
        self._stores = {key: RedisCustomers(self.client, merchant_digest(key)) for key in api_keys}

    def __getitem__(self, api_key: str) -> RedisCustomers:
        return self._stores[api_key]

    def __contains__(self, api_key: object) -> bool:
        return api_key in self._stores

    def reset(self, api_key: str | None = None) -> None:
        for key in self._stores if api_key is None else (api_key,):
            self._stores[key].clear()

    def shared(self, journal_size: int, routes: Routes) -> tuple[RedisJournal, RedisFaults]:
        """The journal and the faults, kept beside the customers for every process."""
        return (
            RedisJournal(self.client, self._stores, journal_size),
            RedisFaults(self.client, self._stores, routes),
        )

    def close(self) -> None:
        self.client.close()


def _journal_key(api_key: str | None) -> str:
    return f"{PREFIX}{_ANONYMOUS if api_key is None else merchant_digest(api_key)}:journal"


class RedisJournal:
    """The journal in Redis: one capped list per API key, written by every process."""

    __slots__ = ("_api_keys", "_client", "size")

    def __init__(self, client: redis.Redis, api_keys: Iterable[str], size: int) -> None:
        self._client = client
        self._api_keys = tuple(api_keys)
        self.size = size

    def record(self, api_key: str | None, record: Record) -> None:
        at, method, path, operation_id, status, duration, headers, body, request_id, query = record
        encoded = orjson.dumps(
            [
                at,
                method,
                path.decode("latin-1"),
                operation_id,
                status,
                duration,
                [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers],
                body,
                request_id,
                query.decode("latin-1"),
            ]
        )
        key = _journal_key(api_key)
        with self._client.pipeline(transaction=False) as pipe:
            pipe.rpush(key, encoded)
            pipe.ltrim(key, -self.size, -1)
            pipe.execute()

    def records(self, api_key: str | None, every_key: bool = False) -> list[Record]:
        keys = [*self._api_keys, None] if every_key else [api_key]
        records = []
        for key in keys:
            for encoded in self._client.lrange(_journal_key(key), 0, -1):
                fields = orjson.loads(encoded)
                if len(fields) == 9:  # by a mock that kept no query: an older replica
                    fields.append("")
                (
                    at,
                    method,
                    path,
                    operation_id,
                    status,
                    duration,
                    headers,
                    body,
                    request_id,
                    query,
                ) = fields
                raw = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in headers]
                records.append(
                    (
                        at,
                        method,
                        path.encode("latin-1"),
                        operation_id,
                        status,
                        duration,
                        raw,
                        body,
                        request_id,
                        query.encode("latin-1"),
                    )
                )
        return sorted(records, key=arrived)

    def clear(self, api_keys: Iterable[str | None] | None = None) -> None:
        keys = [*self._api_keys, None] if api_keys is None else api_keys
        self._client.delete(*(_journal_key(key) for key in keys))


class RedisFaults:
    """Pending faults in Redis: injected through any process, each taken exactly once."""

    __slots__ = ("_api_keys", "_client", "_routes", "_take")

    def __init__(self, client: redis.Redis, api_keys: Iterable[str], routes: Routes) -> None:
        self._client = client
        self._api_keys = tuple(api_keys)
        self._routes = routes
        self._take = client.register_script(_TAKE_FAULT)

    @staticmethod
    def _key(api_key: str) -> str:
        return f"{PREFIX}{merchant_digest(api_key)}:faults"

    def is_empty(self) -> bool:
        return False  # another process may have injected one: each request asks `take`

    def add(self, api_key: str, fault: Fault, count: int) -> None:
        fields = dataclasses.asdict(fault)
        self._client.rpush(self._key(api_key), orjson.dumps({**fields, "count": count}))

    def clear(self, api_key: str | None = None) -> None:
        keys = self._api_keys if api_key is None else (api_key,)
        self._client.delete(*(self._key(key) for key in keys))

    def take(self, api_key: str | None, method: str, sent: bytes) -> Fault | None:
        if api_key is None:
            return None
        shown, decoded, template = self._routes.names(sent)
        if template is None:
            return None
        taken = self._take(keys=[self._key(api_key)], args=[method, shown, decoded, template])
        if taken is None:
            return None
        fields = orjson.loads(taken)
        del fields["count"]
        return Fault(**fields)
