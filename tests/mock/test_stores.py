"""The stores behind one interface: memory and SQLite, the same behaviour; SQLite keeps it."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import redis
from juspay_mock import MockApp, create_app, open_store
from juspay_mock._sqlite import SqliteStore
from juspay_mock._store import DuplicateError

from tests.mock.cli_helpers import COMMAND, start
from tests.mock.conftest import API_KEYS, ELIXIR_CREATE, in_process
from tests.mock.redis_server import redis_server

KEY_A, KEY_B = API_KEYS


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "redis":
        url: str = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        return url
    return "memory" if request.param == "memory" else f"sqlite:///{tmp_path}/mock.db"


@pytest.fixture
async def on_store(store_url: str) -> AsyncIterator[tuple[MockApp, httpx.AsyncClient]]:
    app = create_app(API_KEYS, store=store_url)
    async with in_process(app) as client:
        yield app, client
    app.control.state.store.close()


async def test_every_store_serves_the_same_api(
    on_store: tuple[MockApp, httpx.AsyncClient],
) -> None:
    app, api = on_store
    created = (await api.post("/customers", data=ELIXIR_CREATE)).json()
    duplicate = await api.post("/customers", data=ELIXIR_CREATE)
    updated = (await api.post("/customers/guest_user", data={"first_name": "Jo"})).json()
    by_id = (await api.get(f"/customers/{created['id']}")).json()
    other_key = await api.get("/customers/guest_user", auth=(KEY_B, ""))
    missing_update = await api.post("/customers/nobody", data={"first_name": "Jo"})

    assert duplicate.json()["error_code"] == "unique"
    assert updated["first_name"] == "Jo"
    assert by_id == updated
    assert other_key.status_code == 404
    assert missing_update.status_code == 404
    assert app.control.customers() == [updated]


async def test_every_store_seeds_all_or_none_and_resets_per_key(
    on_store: tuple[MockApp, httpx.AsyncClient],
) -> None:
    control = on_store[0].control
    control.seed([{"object_reference_id": "b1", "mobile_number": "12345"}], KEY_B)
    control.seed([{"object_reference_id": "a1", "mobile_number": "12345"}])

    with pytest.raises(ValueError, match=r"customers\[1\]: object_reference_id a1 is already"):
        control.seed(
            [
                {"object_reference_id": "a2", "mobile_number": "12345"},
                {"object_reference_id": "a1", "mobile_number": "12345"},
            ]
        )
    assert [c["object_reference_id"] for c in control.customers()] == ["a1"]  # all or none
    control.reset(KEY_A)
    assert control.customers() == []
    assert [c["object_reference_id"] for c in control.customers(KEY_B)] == ["b1"]
    control.reset()
    assert control.customers(KEY_B) == []


def test_the_database_itself_enforces_unique_references(tmp_path: Path) -> None:
    path = tmp_path / "mock.db"
    store = SqliteStore(path, [KEY_A])
    store[KEY_A].insert([{"id": "cst_1", "object_reference_id": "ref"}])
    with pytest.raises(DuplicateError) as taken:
        store[KEY_A].insert([{"id": "cst_2", "object_reference_id": "ref"}])
    store.close()

    assert (taken.value.field, taken.value.value, taken.value.in_batch) == (
        "object_reference_id",
        "ref",
        False,
    )
    with sqlite3.connect(path) as raw:
        (merchant,) = raw.execute("SELECT merchant FROM customers").fetchone()
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        raw.execute("INSERT INTO customers VALUES (?, 'cst_3', 'ref', x'7b7d')", (merchant,))
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        dumped = "\n".join(raw.iterdump())
    assert KEY_A not in dumped  # merchants by digest: the file holds no API key


@pytest.mark.parametrize(
    "url", ["sqlite:///", "sqlite://x.db", "postgres://x", "", "Memory", "sqlite:////no/such/dir/x"]
)
def test_a_store_url_it_cannot_open_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="store: "):
        open_store(url, [KEY_A])


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgres://user:s3cretpw@db.example/mock", "'postgres://***@db.example/mock' is none of"),
        ("redis://:s3cretpw@127.0.0.1:1/0", "cannot reach Redis at redis://***@127.0.0.1:1/0"),
        ("redis://user:s3cr@tpw@127.0.0.1:1/0", "cannot reach Redis at redis://***@127.0.0.1:1/0"),
        # A breaker's report: a password in the query, or holding a `/`, was shown.
        (
            "redis://127.0.0.1:1/0?password=s3cretpw",
            "at redis://127.0.0.1:1/0?***: ConnectionError",
        ),
        ("redis://:s3cr/tpw@127.0.0.1:1/0", "cannot reach Redis at redis://***@127.0.0.1:1/0"),
        # A re-check: an option redis-py does not know was a TypeError and a traceback.
        ("redis://127.0.0.1:1/0?PASSWORD=s3cretpw", "at redis://127.0.0.1:1/0?***: TypeError"),
    ],
)
def test_a_store_error_never_shows_the_urls_password(url: str, shown: str) -> None:
    """QA 4, F6: the error echoed `redis://:PASSWORD@host`."""
    with pytest.raises(ValueError, match="store: ") as refused:
        open_store(url, [KEY_A])

    assert shown in str(refused.value)
    assert "s3cr" not in str(refused.value)


def test_a_store_opened_for_other_keys_is_refused_without_showing_them() -> None:
    """A re-check: every request of the key the store lacked got a 500, and the log held the
    key (`KeyError: 'otherSECRET'`)."""
    store = open_store("memory", [KEY_A])

    with pytest.raises(ValueError, match=r"the store was opened without api_keys\[1\]") as refused:
        create_app([KEY_A, "otherSECRET"], store=store)

    assert "otherSECRET" not in str(refused.value)


def test_another_programs_customers_table_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    """A breaker's report: it was taken, switched to WAL for good, and every request got 500."""
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE customers (name TEXT, email TEXT)")

    with pytest.raises(
        ValueError, match=r"its customers table has the columns \['name', 'email'\]"
    ):
        open_store(f"sqlite:///{other}", [KEY_A])

    with sqlite3.connect(other) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_the_store_url_may_come_from_the_environment(database: Path) -> None:
    """QA 4, F6: a Redis URL with a password had to go on the command line, which `ps`
    shows; `JUSPAY_MOCK_STORE` keeps it off (here a SQLite path stands in for it)."""
    process, url = start(
        "--port", "0", "--api-key", "k", env={"JUSPAY_MOCK_STORE": f"sqlite:///{database}"}
    )
    try:
        with httpx.Client(base_url=url, auth=("k", "")) as client:
            client.post("/customers", data=ELIXIR_CREATE)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)

    with sqlite3.connect(database) as raw:
        assert raw.execute("SELECT count(*) FROM customers").fetchone() == (1,)


def test_a_bad_store_url_on_the_command_line_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [str(COMMAND), "--api-key", "k", "--store", "mongodb://x"],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "is none of: memory, sqlite:///PATH" in result.stderr


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "mock.db"


def serve(database: Path) -> tuple[subprocess.Popen[str], str]:
    return start("--port", "0", "--api-key", "k", "--store", f"sqlite:///{database}")


def test_a_restart_keeps_every_customer_and_id(database: Path) -> None:
    process, url = serve(database)
    try:
        with httpx.Client(base_url=url, auth=("k", "")) as client:
            created = [
                client.post(
                    "/customers", data={"object_reference_id": f"u{n}", "mobile_number": "12345"}
                ).json()
                for n in range(20)
            ]
            created[3] = client.post("/customers/u3", data={"first_name": "Jo"}).json()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)

    process, url = serve(database)
    try:
        with httpx.Client(base_url=url, auth=("k", "")) as client:
            by_id = [client.get(f"/customers/{c['id']}").json() for c in created]
            by_reference = [client.get(f"/customers/u{n}").json() for n in range(20)]
            again = client.post(
                "/customers", data={"object_reference_id": "u0", "mobile_number": "12345"}
            )
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)

    assert by_id == by_reference == created
    assert again.json()["error_code"] == "unique"


def test_kill_9_during_200_concurrent_creates_loses_no_acknowledged_create(
    database: Path,
) -> None:
    process, url = serve(database)
    acknowledged: list[dict[str, object]] = []
    lock = threading.Lock()
    enough = threading.Event()

    def create(numbers: range) -> None:
        with httpx.Client(base_url=url, auth=("k", ""), timeout=10) as client:
            for n in numbers:
                try:
                    response = client.post(
                        "/customers",
                        data={"object_reference_id": f"user_{n}", "mobile_number": "12345"},
                    )
                except httpx.TransportError:
                    return  # the mock is gone
                if response.status_code == 200:
                    with lock:
                        acknowledged.append(response.json())
                        if len(acknowledged) >= 60:
                            enough.set()

    threads = [threading.Thread(target=create, args=(range(n, 200, 20),)) for n in range(20)]
    for thread in threads:
        thread.start()
    enough.wait(timeout=30)
    process.send_signal(signal.SIGKILL)  # in the middle of the creates
    for thread in threads:
        thread.join(timeout=30)
    process.communicate(timeout=20)

    assert 60 <= len(acknowledged) < 200  # killed mid-way
    with sqlite3.connect(database) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    process, url = serve(database)
    try:
        with httpx.Client(base_url=url, auth=("k", "")) as client:
            found = [client.get(f"/customers/{c['id']}") for c in acknowledged]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert [r.json() for r in found] == acknowledged


async def test_every_store_refuses_a_reference_that_is_another_customers_id(
    on_store: tuple[MockApp, httpx.AsyncClient],
) -> None:
    """QA 5: a create could take another customer's `cst_` id as its reference; that customer
    was then never found by it again. Ids and references are one namespace per merchant."""
    app, api = on_store
    first = (await api.post("/customers", data=ELIXIR_CREATE)).json()

    taken = await api.post("/customers", data={**ELIXIR_CREATE, "object_reference_id": first["id"]})
    other_key = await api.post(
        "/customers", data={**ELIXIR_CREATE, "object_reference_id": first["id"]}, auth=(KEY_B, "")
    )

    assert taken.status_code == 400
    assert taken.json()["error_code"] == "unique"
    assert "another customer's id" in taken.json()["error_info"]["developer_message"]
    assert other_key.status_code == 200  # another merchant's ids are not in the way
    assert (await api.get(f"/customers/{first['id']}")).json() == first
    assert app.control.customers() == [first]


@pytest.mark.parametrize(
    ("batch", "message"),
    [
        (
            [{"id": "cst_seeded1"}, {"object_reference_id": "cst_seeded1"}],
            "customers[1]: object_reference_id cst_seeded1 is given twice in this batch"
            " as the id of another customer",
        ),
        (
            [{"object_reference_id": "cst_seeded1"}, {"id": "cst_seeded1"}],
            "customers[1]: id cst_seeded1 is given twice in this batch"
            " as the object_reference_id of another customer",
        ),
    ],
    ids=["reference-is-an-id", "id-is-a-reference"],
)
async def test_every_store_keeps_ids_and_references_apart_in_seeds(
    on_store: tuple[MockApp, httpx.AsyncClient], batch: list[dict[str, str]], message: str
) -> None:
    control = on_store[0].control
    customers = [
        {"object_reference_id": f"ref_{index}", "mobile_number": "12345", **given}
        for index, given in enumerate(batch)
    ]

    stored_message = message.replace("customers[1]", "customers[0]").replace(
        "is given twice in this batch", "is already stored"
    )

    with pytest.raises(ValueError, match=re.escape(message)):
        control.seed(customers)  # in one batch
    control.seed(customers[:1])
    with pytest.raises(ValueError, match=re.escape(stored_message)):
        control.seed(customers[1:])  # against what is stored
    # A customer whose id is its own reference takes nothing from another.
    control.seed([{"id": "cst_self", "object_reference_id": "cst_self", "mobile_number": "12345"}])

    references = [c["object_reference_id"] for c in control.customers()]
    assert references == [customers[0]["object_reference_id"], "cst_self"]


async def test_a_new_id_that_is_a_stored_reference_is_drawn_again(
    on_store: tuple[MockApp, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, api = on_store
    app.control.seed([{"object_reference_id": "cst_0000000000000000", "mobile_number": "12345"}])
    draws = iter(["0000000000000000", "1111111111111111"])
    monkeypatch.setattr("juspay_mock._customers.secrets.token_hex", lambda _: next(draws))

    created = await api.post("/customers", data=ELIXIR_CREATE)

    assert created.status_code == 200
    assert created.json()["id"] == "cst_1111111111111111"
    assert (await api.get("/customers/cst_0000000000000000")).json()["mobile_number"] == "12345"
