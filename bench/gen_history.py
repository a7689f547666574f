#!/usr/bin/env python3
"""Deterministic generator of synthetic PostgreSQL migration histories for the strata benchmarks.

The same seed always gives the same files, byte for byte, and a history of N revisions is a
prefix of every longer one (revision i never depends on N). Each revision carries realistic DDL
and seed data and a down section that undoes exactly what its up section did, given that downs run
newest first (so a down only ever sees the state its own up left behind).

Usage:
    python3 bench/gen_history.py -n 1000 OUT_DIR                 strata format v1 files
    python3 bench/gen_history.py -n 1000 --alembic DIR OUT_DIR   plus an Alembic project
    python3 bench/gen_history.py --wide DIR                      1,000-table schema (wide.sql)
    python3 bench/gen_history.py -n 100 --stats                  summary only, no files
    python3 bench/gen_history.py -n 1000 --layout diesel OUT_DIR  the same revisions in another
                                            tool's layout: strata (default), diesel,
                                            golang-migrate, dbmate, goose, sqlx, flyway, prisma
    python3 bench/gen_history.py -n 1000 --layout goose --project DIR
                                            DIR/strata.toml (format = "goose"), DIR/migrations
    python3 bench/gen_history.py --selfcheck                     check every layout (n = 50)

Python 3.11, standard library only. Never used by the product: benchmark input only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

DEFAULT_SEED = 1
GENERATOR_VERSION = "1"

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

BASE_NOUNS = [
    "users", "organizations", "accounts", "teams", "projects", "customers", "contacts",
    "products", "categories", "orders", "order_items", "invoices", "invoice_lines", "payments",
    "shipments", "warehouses", "stock_levels", "suppliers", "purchase_orders", "tickets",
    "comments", "employees", "departments", "events", "sessions", "api_tokens", "documents",
    "tags", "notes", "addresses", "subscriptions", "plans", "coupons", "refunds", "vendors",
    "regions", "countries", "currencies", "exchange_rates", "campaigns", "leads",
    "opportunities", "tasks", "attachments", "devices", "readings", "alerts", "posts",
    "threads", "votes", "webhooks", "deliveries", "reviews", "carts", "cart_items", "discounts",
    "price_lists", "locations", "shifts", "timesheets", "contracts", "assets", "licenses",
    "reports", "dashboards", "widgets", "notifications", "preferences", "roles", "permissions",
]
MODULES = [
    "billing", "crm", "catalog", "sales", "inventory", "shipping", "support", "hr",
    "analytics", "auth", "content", "marketing", "finance", "ops", "geo", "media", "forum",
    "iot", "legal", "partner", "loyalty", "audit", "fleet", "booking", "payroll",
]

# role: (column names, type, nullable default expr or None, check template or None, uniqueable)
ROLES: dict[str, tuple[list[str], str, str | None, str | None, bool]] = {
    "label": (["name", "title", "label", "display_name", "headline", "subject"], "text", None,
              "char_length({c}) > 0", True),
    "code": (["code", "sku", "slug", "reference", "handle"], "varchar(64)", None,
             "{c} <> ''", True),
    "email": (["email", "contact_email", "billing_email", "notify_email"], "text", None,
              "position('@' in {c}) > 1", True),
    "text": (["description", "notes", "summary", "body", "remarks", "bio", "instructions"],
             "text", None, None, False),
    "money": (["amount", "price", "total", "balance", "unit_price", "cost", "fee"],
              "numeric(12,2)", "0", "{c} >= 0", False),
    "qty": (["quantity", "position", "sort_order", "retries", "seats", "capacity"], "integer",
            "0", "{c} >= 0", False),
    "flag": (["is_active", "is_archived", "enabled", "is_public", "verified", "is_default"],
             "boolean", "false", None, False),
    "ts": (["published_at", "closed_at", "expires_at", "last_seen_at", "approved_at",
            "cancelled_at"], "timestamptz", None, None, False),
    "date": (["due_on", "starts_on", "ends_on", "valid_from", "valid_until", "billed_on"],
             "date", None, None, False),
    "time": (["opens_at", "closes_at", "reminder_time", "cutoff_time"], "time", "'09:30'",
             None, False),
    "json": (["metadata", "settings", "attributes", "payload", "extra"], "jsonb",
             "'{}'::jsonb", None, False),
    "uuid": (["external_id", "public_id", "token", "correlation_id"], "uuid",
             "gen_random_uuid()", None, True),
    "ip": (["ip_address", "last_ip", "origin_ip"], "inet", None, None, False),
    "tags": (["tags", "aliases", "keywords"], "text[]", "'{}'::text[]", None, False),
    "score": (["score", "rating", "ratio", "weight"], "double precision", None, "{c} >= 0",
              False),
    "prio": (["priority", "level", "tier", "severity"], "smallint", "0",
             "{c} BETWEEN 0 AND 10", False),
    "pct": (["discount_pct", "progress", "completion", "tax_rate"], "numeric(5,2)", None,
            "{c} BETWEEN 0 AND 100", False),
    "phone": (["phone", "mobile", "fax"], "varchar(32)", None, None, False),
    "url": (["website", "avatar_url", "homepage", "callback_url"], "text", None,
            "{c} ~ '^https?://'", False),
    "interval": (["duration", "grace_period", "timeout", "retention"], "interval",
                 "'00:15:00'", None, False),
    "locale": (["locale", "language", "country_code", "currency"], "varchar(8)", "'en'", None,
               False),
    "counter": (["view_count", "login_count", "attempts", "download_count"], "bigint", "0",
                "{c} >= 0", False),
    "bytes": (["checksum", "signature", "fingerprint"], "bytea", None, None, False),
}
# column roles used when creating a table, with weights
TABLE_ROLES = [
    ("text", 8), ("money", 6), ("qty", 6), ("flag", 7), ("ts", 6), ("date", 4), ("time", 2),
    ("json", 4), ("uuid", 3), ("ip", 1), ("tags", 2), ("score", 2), ("prio", 3), ("pct", 2),
    ("phone", 2), ("url", 2), ("interval", 1), ("locale", 2), ("counter", 2), ("bytes", 1),
    ("code", 4), ("email", 3),
]
ADD_ROLES = TABLE_ROLES + [("label", 1)]

# type widening used by "alter column type" revisions: old type -> new type
WIDEN = {
    "varchar(32)": "varchar(64)", "varchar(64)": "varchar(128)", "varchar(8)": "varchar(16)",
    "varchar(128)": "text", "integer": "bigint", "smallint": "integer",
    "numeric(12,2)": "numeric(14,2)", "numeric(14,2)": "numeric(18,2)",
    "numeric(5,2)": "numeric(7,3)",
}
RENAMES = {
    "name": "full_name", "title": "headline_text", "description": "details", "notes":
    "internal_notes", "amount": "amount_total", "price": "list_price", "email": "email_address",
    "phone": "phone_number", "code": "ref_code", "metadata": "meta", "settings": "preferences",
    "is_active": "active", "enabled": "is_enabled", "quantity": "qty", "summary": "abstract",
    "body": "content", "score": "score_value", "priority": "priority_level", "website": "site_url",
    "locale": "locale_code", "tags": "tag_list", "expires_at": "expiry", "due_on": "due_date",
}
ENUM_LABELS = [
    ["draft", "active", "suspended", "closed"],
    ["pending", "processing", "shipped", "delivered", "returned"],
    ["low", "normal", "high", "urgent"],
    ["new", "open", "waiting", "resolved"],
    ["trial", "paying", "past_due", "cancelled"],
    ["inbound", "outbound"],
    ["card", "bank_transfer", "invoice", "cash"],
    ["daily", "weekly", "monthly", "yearly"],
    ["bronze", "silver", "gold", "platinum"],
    ["created", "approved", "rejected"],
]
ENUM_EXTRA = ["archived", "on_hold", "escalated", "expired", "unknown", "migrated", "partial"]
ENUM_COLS = ["status", "state", "kind", "phase", "stage", "lifecycle", "category_type"]
DOMAINS = [
    ("email_address", "text", r"VALUE ~* '^[^@\s]+@[^@\s]+\.[a-z]+$'", "email"),
    ("positive_amount", "numeric(12,2)", "VALUE >= 0", "money"),
    ("country_iso", "char(2)", "VALUE ~ '^[A-Z]{2}$'", "iso"),
    ("percentage", "numeric(5,2)", "VALUE BETWEEN 0 AND 100", "pct"),
    ("slug_text", "text", "VALUE ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", "slug"),
    ("hex_color", "varchar(7)", "VALUE ~ '^#[0-9a-f]{6}$'", "color"),
    ("port_number", "integer", "VALUE BETWEEN 1 AND 65535", "port"),
    ("semver", "text", r"VALUE ~ '^\d+\.\d+\.\d+$'", "semver"),
]
WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne",
         "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Gringotts", "Oscorp", "Nakatomi", "Aperture"]

# ---------------------------------------------------------------------------------------------
# Schema model
# ---------------------------------------------------------------------------------------------


def q(s: str) -> str:
    """SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def ident(name: str) -> str:
    """Keep identifiers within PostgreSQL's 63-byte limit, deterministically."""
    if len(name) <= 63:
        return name
    h = hashlib.sha1(name.encode()).hexdigest()[:8]
    return name[:54] + "_" + h


def singular(name: str) -> str:
    last = name.split("_")[-1]
    head = name[: len(name) - len(last)]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith(("sses", "xes", "ches", "shes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return head + last


@dataclass(eq=False)
class Column:
    name: str
    sqltype: str
    role: str
    notnull: bool = False
    default: str | None = None
    enum: str | None = None
    domain: str | None = None
    fk: "Table | None" = None
    identity: bool = False
    seqdefault: bool = False      # DEFAULT nextval(...): never given in seed rows
    pinned: bool = False          # named in a function body: never renamed or retyped
    in_view: bool = False         # used by a view: never retyped
    comment: str | None = None
    volatile: bool = False        # default differs per call (now(), gen_random_uuid())


@dataclass(eq=False)
class Table:
    name: str
    pk: Column
    label: Column
    columns: list[Column]
    rows: int = 0
    pinned: bool = False          # named in a function body: never renamed
    no_dml: bool = False          # has an audit trigger: no seed rows or backfills
    updated_trigger: bool = False
    comment: str | None = None
    index_sigs: set = field(default_factory=set)

    def col(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass
class Revision:
    index: int
    id: str
    down_id: str | None
    message: str
    created: str
    kind: str
    up: list[str]
    down: list[str]
    transactional: bool = True

    @property
    def slug(self) -> str:
        s = re.sub(r"[^a-z0-9]+", "_", self.message.lower()).strip("_")
        return s[:48].rstrip("_") or "revision"

    @property
    def filename(self) -> str:
        return f"{self.id}_{self.slug}.sql"


class Skip(Exception):
    """A revision kind does not apply to the current schema; the generator picks another."""


class Model:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.tables: list[Table] = []
        self.names: set[str] = set()          # relation and type names (one namespace)
        self.functions: set[str] = set()
        self.enums: dict[str, list[str]] = {}
        self.enum_users: dict[str, list[tuple[Table, Column]]] = {}
        # labels an enum was created with: seeds and defaults use only these, never a value
        # added later (a value added in a transaction cannot be used in the same transaction)
        self.enum_base: dict[str, list[str]] = {}
        self.domains: dict[str, str] = {}     # domain name -> value kind
        self.noun_pool = list(BASE_NOUNS)
        self.noun_i = 0
        self.audit_table: Table | None = None
        self.counter = 0
        # seed rows stamped as real histories stamp them: now() and gen_random_uuid() instead
        # of literals (two builds of the history then differ in those columns)
        self.volatile_seeds = False

    # -- names ----------------------------------------------------------------------------------
    def take(self, name: str) -> str:
        name = ident(name)
        base, k = name, 2
        while name in self.names:
            name = ident(f"{base}_{k}")
            k += 1
        self.names.add(name)
        return name

    def free(self, name: str) -> bool:
        return ident(name) not in self.names

    def new_table_name(self) -> str:
        i = self.noun_i
        self.noun_i += 1
        nb, nm = len(BASE_NOUNS), len(MODULES)
        if i < nb:
            cand = BASE_NOUNS[i]
        else:
            j = i - nb
            # spread modules and nouns; the pairs repeat only after 875 names
            cand = f"{MODULES[j % nm]}_{BASE_NOUNS[(j * 11 + j // nm) % nb]}"
        return cand

    def uniq(self) -> int:
        self.counter += 1
        return self.counter

    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def weighted(self, pairs):
        total = sum(w for _, w in pairs)
        x = self.rng.random() * total
        for item, w in pairs:
            x -= w
            if x < 0:
                return item
        return pairs[-1][0]

    def colname(self, table: Table, candidates: list[str]) -> str:
        free = [c for c in candidates if table.col(c) is None]
        if free:
            return self.pick(free)
        base = self.pick(candidates)
        k = 2
        while table.col(f"{base}_{k}") is not None:
            k += 1
        return f"{base}_{k}"


# ---------------------------------------------------------------------------------------------
# Values for seed rows
# ---------------------------------------------------------------------------------------------


def value_for(m: Model, t: Table, c: Column, rev: int, k: int) -> str:
    """A deterministic literal that satisfies every check this column can carry."""
    seq = rev * 100 + k
    word = WORDS[seq % len(WORDS)]
    if c.enum:
        return q(m.enum_base[c.enum][0])
    if c.domain:
        kind = m.domains[c.domain]
        return {
            "email": q(f"ops{seq}@example.org"), "money": f"{seq % 997}.50",
            "iso": q(["DE", "FR", "US", "JP", "BR"][seq % 5]), "pct": f"{seq % 100}",
            "slug": q(f"{word.lower()}-{seq}"), "color": q(f"#{seq % 0xffffff:06x}"),
            "port": str(1024 + seq % 60000), "semver": q(f"1.{seq % 20}.{k}"),
        }[kind]
    if c.fk is not None:
        return f"(SELECT id FROM {c.fk.name} ORDER BY id LIMIT 1)"
    r = c.role
    if r == "label":
        return q(f"{word} {t.name.split('_')[-1]} {rev}-{k}" + ("'s" if k % 5 == 3 else ""))
    if r == "code":
        return q(f"{t.name[:3].upper()}-{rev}-{k}")
    if r == "email":
        return q(f"{word.lower()}.{rev}.{k}@example.com")
    if r == "text":
        return q(f"Seeded by revision {rev}: row {k} of {t.name} (100% synthetic)")
    if r == "money":
        return f"{(seq * 37) % 10000}.{seq % 100:02d}"
    if r in ("qty", "counter"):
        return str((seq * 13) % 500)
    if r == "flag":
        return "true" if k % 2 == 0 else "false"
    if r == "ts":
        d = datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc) + timedelta(hours=seq)
        return q(d.strftime("%Y-%m-%d %H:%M:%S+00"))
    if r == "date":
        d = datetime(2024, 1, 1) + timedelta(days=seq % 700)
        return q(d.strftime("%Y-%m-%d"))
    if r == "time":
        return q(f"{8 + k % 10:02d}:{(seq * 7) % 60:02d}")
    if r == "json":
        return q(f'{{"source": "seed", "rev": {rev}, "row": {k}}}')
    if r == "uuid" and m.volatile_seeds:
        return "gen_random_uuid()"
    if r == "uuid":
        h = hashlib.md5(f"{t.name}:{c.name}:{seq}".encode()).hexdigest()
        return q(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}")
    if r == "ip":
        return q(f"10.{rev % 250}.{k % 250}.{(seq * 3) % 250 + 1}")
    if r == "tags":
        return q("{" + f"seed,r{rev}" + "}")
    if r == "score":
        return f"{(seq * 17) % 1000 / 10}"
    if r == "prio":
        return str(seq % 11)
    if r == "pct":
        return f"{(seq * 7) % 100}.5"
    if r == "phone":
        return q(f"+49 30 {seq:07d}")
    if r == "url":
        return q(f"https://{word.lower()}.example.com/{t.name}/{k}")
    if r == "interval":
        return q(f"{k % 24} hours")
    if r == "locale":
        return q(["en", "de", "fr", "ja", "pt"][seq % 5])
    if r == "bytes":
        return "'\\x" + hashlib.md5(str(seq).encode()).hexdigest()[:16] + "'::bytea"
    if r == "derived":
        return str(seq) if c.sqltype in ("integer", "bigint") else q(f"d{seq}")
    if r == "created" and m.volatile_seeds:
        return f"now() - interval '{seq * 11} minutes'"
    if r == "created":
        d = datetime(2024, 2, 1, 12, 0, tzinfo=timezone.utc) + timedelta(minutes=seq * 11)
        return q(d.strftime("%Y-%m-%d %H:%M:%S+00"))
    if r == "fkid":
        return "NULL"
    raise AssertionError(f"no value for role {r}")


# ---------------------------------------------------------------------------------------------
# Revision kinds: each returns (message, up statements, down statements[, transactional])
# ---------------------------------------------------------------------------------------------


def new_column(m: Model, t: Table, role: str, for_create: bool, has_rows: bool) -> Column:
    names, sqltype, default, _check, _u = ROLES[role]
    name = m.colname(t, names)
    c = Column(name=name, sqltype=sqltype, role=role)
    rng = m.rng
    if default is not None and (for_create or rng.random() < 0.8):
        c.default = default
        if role == "uuid":
            c.volatile = True
        if role == "flag":
            c.default = m.pick(["true", "false"])
        if role == "qty":
            c.default = m.pick(["0", "1"])
    if c.volatile and has_rows:
        c.default = None
        c.volatile = False
    if role in ("label",):
        c.notnull = True
    elif c.default is not None and role in ("money", "qty", "flag", "json", "counter", "prio"):
        c.notnull = rng.random() < 0.8
    elif for_create and role in ("code", "email", "money") and rng.random() < 0.5:
        c.notnull = True
    if c.notnull and c.default is None and has_rows:
        c.notnull = False
    return c


def coldef(c: Column, inline_check: str | None = None) -> str:
    parts = [c.name, c.sqltype]
    if c.identity:
        parts.append("GENERATED ALWAYS AS IDENTITY")
    if c.notnull:
        parts.append("NOT NULL")
    if c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    if c.fk is not None:
        parts.append(f"REFERENCES {c.fk.name} (id)")
        parts.append(m_on_delete(c))
    if inline_check:
        parts.append(f"CHECK ({inline_check})")
    return " ".join(p for p in parts if p)


def m_on_delete(c: Column) -> str:
    return "ON DELETE CASCADE" if c.notnull else "ON DELETE SET NULL"


def k_create_table(m: Model, rev: int):
    rng = m.rng
    name = m.take(m.new_table_name())
    pkkind = m.weighted([("identity", 70), ("bigserial", 15), ("uuid", 15)])
    if pkkind == "uuid":
        pk = Column("id", "uuid", "uuid", notnull=True, default="gen_random_uuid()",
                    volatile=True)
        pk_sql = "id uuid PRIMARY KEY DEFAULT gen_random_uuid()"
    elif pkkind == "bigserial":
        pk = Column("id", "bigint", "serial", notnull=True, seqdefault=True)
        pk_sql = "id bigserial PRIMARY KEY"
    else:
        pk = Column("id", "bigint", "identity", notnull=True, identity=True)
        pk_sql = "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    m.names.update({ident(f"{name}_pkey"), ident(f"{name}_id_seq")})
    t = Table(name=name, pk=pk, label=None, columns=[pk])  # type: ignore[arg-type]
    lines = [pk_sql]
    up_extra: list[str] = []
    # foreign keys to earlier tables
    parents = [p for p in m.tables if p is not m.audit_table]
    nfk = 0
    if parents:
        nfk = m.weighted([(0, 14), (1, 72), (2, 14)])
    fk_cols = []
    for p in rng.sample(parents, min(nfk, len(parents))):
        cname = m.colname(t, [singular(p.name) + "_id"])
        c = Column(cname, p.pk.sqltype, "fkid", fk=p, notnull=rng.random() < 0.55)
        t.columns.append(c)
        lines.append(coldef(c))
        fk_cols.append(c)
    # the label column
    lrole = "label"
    label = Column(m.colname(t, ROLES[lrole][0]), "text", "label", notnull=True)
    t.label = label
    t.columns.append(label)
    lines.append(coldef(label))
    # role columns
    nroles = rng.randint(2, 7)
    checks = 0
    for _ in range(nroles):
        role = m.weighted(TABLE_ROLES)
        enum_now = m.enums and rng.random() < 0.06
        if enum_now:
            ename = m.pick(sorted(m.enums))
            c = Column(m.colname(t, ENUM_COLS), ename, "enum", notnull=True,
                       default=f"{q(m.enum_base[ename][0])}::{ename}", enum=ename)
            m.enum_users[ename].append((t, c))
            t.columns.append(c)
            lines.append(coldef(c))
            continue
        if m.domains and rng.random() < 0.05:
            dname = m.pick(sorted(m.domains))
            c = Column(m.colname(t, [dname.split("_")[0], dname]), dname, "domain", domain=dname)
            t.columns.append(c)
            lines.append(coldef(c))
            continue
        c = new_column(m, t, role, True, False)
        t.columns.append(c)
        chk = ROLES[role][3]
        if chk and rng.random() < 0.18:
            lines.append(coldef(c, chk.format(c=c.name)))
            checks += 1
        else:
            lines.append(coldef(c))
    created = Column("created_at", "timestamptz", "created", notnull=True, default="now()",
                     volatile=True)
    t.columns.append(created)
    lines.append(coldef(created))
    if rng.random() < 0.45:
        up = Column("updated_at", "timestamptz", "created", notnull=True, default="now()",
                    volatile=True)
        t.columns.append(up)
        lines.append(coldef(up))
    # table constraints
    uniq_cols = [c for c in t.columns if c.role in ("code", "email") and c.notnull]
    if uniq_cols and rng.random() < 0.5:
        c = m.pick(uniq_cols)
        cn = m.take(f"{name}_{c.name}_key")
        lines.append(f"CONSTRAINT {cn} UNIQUE ({c.name})")
    elif fk_cols and rng.random() < 0.2:
        c = fk_cols[0]
        cn = m.take(f"{name}_{c.name}_{label.name}_key")
        lines.append(f"CONSTRAINT {cn} UNIQUE ({c.name}, {label.name})")
    dates = [c for c in t.columns if c.role == "date"]
    if len(dates) >= 2 and rng.random() < 0.6:
        a, b = dates[0], dates[1]
        cn = m.take(f"{name}_dates_check")
        lines.append(f"CONSTRAINT {cn} CHECK ({b.name} IS NULL OR {a.name} IS NULL "
                     f"OR {b.name} >= {a.name})")
    body = ",\n    ".join(lines)
    up_stmts = [f"CREATE TABLE {name} (\n    {body}\n);"]
    # like autogenerated migrations: indexes created after the table, dropped before it
    down_stmts = [f"DROP TABLE {name};"]
    ix_cols = [c for c in fk_cols if rng.random() < 0.85]
    others = [c for c in index_candidates(t) if c.fk is None and c.role not in ("label",)]
    if others and rng.random() < 0.3:
        ix_cols.append(m.pick(others))
    for c in ix_cols:
        ix = m.take(f"ix_{name}_{c.name}")
        up_stmts.append(f"CREATE INDEX {ix} ON {name} ({c.name});")
        down_stmts.insert(0, f"DROP INDEX {ix};")
        t.index_sigs.add((c.name,))
    if rng.random() < 0.25:
        t.comment = f"{name.replace('_', ' ').capitalize()} ({'owned by ' + m.pick(MODULES)})"
        up_stmts.append(f"COMMENT ON TABLE {name} IS {q(t.comment)};")
    if rng.random() < 0.15:
        c = m.pick(t.columns[1:])
        c.comment = f"{c.name.replace('_', ' ')}, as shown to users"
        up_stmts.append(f"COMMENT ON COLUMN {name}.{c.name} IS {q(c.comment)};")
    up_stmts += up_extra
    m.tables.append(t)
    return f"create {name} table", up_stmts, down_stmts


def pick_table(m: Model, pred=lambda t: True) -> Table:
    cands = [t for t in m.tables if pred(t) and t is not m.audit_table]
    if not cands:
        raise Skip
    # favour recent tables a little, as real histories do
    if m.rng.random() < 0.4:
        cands = cands[-12:]
    return m.pick(cands)


def k_add_column(m: Model, rev: int):
    rng = m.rng
    t = pick_table(m)
    has_rows = t.rows > 0
    up_parts, down, extra_up, extra_down = [], [], [], []
    cols = []
    if rng.random() < 0.15 and len(m.tables) > 1:
        p = m.pick([x for x in m.tables if x is not t and x is not m.audit_table] or [t])
        c = Column(m.colname(t, [singular(p.name) + "_id", "parent_" + singular(p.name) + "_id"]),
                   p.pk.sqltype, "fkid", fk=p)
        up_parts.append(f"ADD COLUMN {c.name} {c.sqltype} REFERENCES {p.name} (id) "
                        "ON DELETE SET NULL")
        cols.append(c)
        if rng.random() < 0.7:
            ix = m.take(f"ix_{t.name}_{c.name}")
            extra_up.append(f"CREATE INDEX {ix} ON {t.name} ({c.name});")
            extra_down.append(f"DROP INDEX {ix};")
        msg = f"link {t.name} to {p.name}"
    else:
        n = 1 if rng.random() < 0.8 else rng.randint(2, 3)
        for _ in range(n):
            role = m.weighted(ADD_ROLES)
            c = new_column(m, t, role, False, has_rows)
            if role == "label":
                c.notnull = False
            t.columns.append(c)  # temporarily, so names stay unique
            cols.append(c)
            up_parts.append("ADD COLUMN " + coldef(c))
        for c in cols:
            t.columns.remove(c)
        if len(cols) == 1 and rng.random() < 0.2 and cols[0].role in ("ts", "date", "code",
                                                                       "email", "qty"):
            ix = m.take(f"ix_{t.name}_{cols[0].name}")
            extra_up.append(f"CREATE INDEX {ix} ON {t.name} ({cols[0].name});")
            extra_down.append(f"DROP INDEX {ix};")
        msg = f"add {', '.join(c.name for c in cols)} to {t.name}"
    t.columns.extend(cols)
    # one statement per column, as op.add_column / op.drop_column would emit
    up = [f"ALTER TABLE {t.name} {part};" for part in up_parts] + extra_up
    down = extra_down[::-1] + [f"ALTER TABLE {t.name} DROP COLUMN {c.name};"
                               for c in reversed(cols)]
    return msg, up, down


def index_candidates(t: Table):
    return [c for c in t.columns if c is not t.pk and c.role not in
            ("bytes", "json", "tags", "text", "created") and not c.domain]


def k_create_index(m: Model, rev: int, concurrently: bool = False):
    rng = m.rng
    t = pick_table(m)
    style = m.weighted([("plain", 40), ("multi", 15), ("partial", 20), ("expression", 15),
                        ("unique", 5), ("gin", 5)])
    if concurrently:
        style = m.pick(["plain", "partial"])
    cols = index_candidates(t)
    if not cols:
        raise Skip
    uniq = ""
    where = ""
    method = ""
    if style == "plain":
        c = m.pick(cols)
        expr, sig, nm = c.name, (c.name,), c.name
    elif style == "multi":
        fks = [c for c in t.columns if c.fk is not None]
        a = m.pick(fks or cols)
        b = m.pick([c for c in t.columns if c.role in ("created", "ts", "date")] or cols)
        if a is b:
            raise Skip
        desc = " DESC" if b.role in ("created", "ts") else ""
        expr, sig, nm = f"{a.name}, {b.name}{desc}", (a.name, b.name), f"{a.name}_{b.name}"
    elif style == "partial":
        c = m.pick(cols)
        flags = [x for x in t.columns if x.role == "flag"]
        opts = [f"{c.name} IS NOT NULL"]
        if flags:
            f = m.pick(flags)
            opts.append(f"{f.name}")
            opts.append(f"NOT {f.name}")
        nul_ts = [x for x in t.columns if x.role == "ts" and not x.notnull]
        if nul_ts:
            opts.append(f"{m.pick(nul_ts).name} IS NULL")
        opts.append(f"{t.label.name} LIKE 'archived%'")
        money = [x for x in t.columns if x.role == "money"]
        if money:
            opts.append(f"{money[0].name} > 0")
        where = m.pick(opts)
        expr, sig, nm = c.name, (c.name, where), f"{c.name}_partial"
    elif style == "expression":
        opts = [(f"lower({t.label.name})", f"{t.label.name}_lower")]
        for x in t.columns:
            if x.role == "email":
                opts.append((f"lower({x.name})", f"{x.name}_lower"))
            if x.role == "json" and x.notnull:
                opts.append((f"({x.name} ->> 'source')", f"{x.name}_source"))
            if x.role == "code":
                opts.append((f"upper({x.name}), {t.label.name}", f"{x.name}_upper"))
        e, nm = m.pick(opts)
        expr, sig = e, (e,)
    elif style == "unique":
        ucols = [c for c in cols if c.role in ROLES and ROLES[c.role][4]]
        if t.rows > 0 or not ucols:
            raise Skip
        c = m.pick(ucols)
        uniq = "UNIQUE "
        expr, sig, nm = c.name, ("u", c.name), c.name
        if c.fk is None and t.pk.sqltype == "bigint" and rng.random() < 0.5:
            where = f"{c.name} IS NOT NULL"
    else:  # gin
        g = [c for c in t.columns if c.role in ("json", "tags")]
        if not g:
            raise Skip
        c = m.pick(g)
        method = " USING gin"
        expr, sig, nm = c.name, ("gin", c.name), f"{c.name}_gin"
    if sig in t.index_sigs:
        raise Skip
    t.index_sigs.add(sig)
    ixname = m.take(("ux_" if uniq else "ix_") + f"{t.name}_{nm}")
    conc = "CONCURRENTLY " if concurrently else ""
    stmt = f"CREATE {uniq}INDEX {conc}{ixname} ON {t.name}{method} ({expr})"
    if where:
        stmt += f" WHERE {where}"
    desc = {"plain": "index", "multi": "composite index", "partial": "partial index",
            "expression": "expression index", "unique": "unique index", "gin": "GIN index"}[style]
    msg = f"{desc} on {t.name} ({nm})" + (" concurrently" if concurrently else "")
    drop = f"DROP INDEX {conc}{ixname};"
    return msg, [stmt + ";"], [drop]


def k_concurrent_index(m: Model, rev: int):
    msg, up, down = k_create_index(m, rev, concurrently=True)
    return msg, up, down, False


def seed_rows(m: Model, t: Table, rev: int, nrows: int, parent_label: tuple | None = None):
    cols = [c for c in t.columns if not c.identity and not c.seqdefault]
    for c in cols:
        if c.fk is not None and c.notnull and c.fk.rows == 0 and not (
                parent_label and parent_label[0] is c.fk):
            raise Skip
    names = ", ".join(c.name for c in cols)
    rows, labels = [], []
    for k in range(1, nrows + 1):
        vals = []
        for c in cols:
            if c is t.label:
                v = value_for(m, t, c, rev, k)
                labels.append(v)
            elif c.fk is not None and parent_label and parent_label[0] is c.fk:
                p, plab = parent_label
                v = f"(SELECT id FROM {p.name} WHERE {p.label.name} = {plab})"
            elif c.fk is not None and c.fk.rows == 0:
                v = "NULL"
            else:
                v = value_for(m, t, c, rev, k)
            vals.append(v)
        rows.append("    (" + ", ".join(vals) + ")")
    up = f"INSERT INTO {t.name} ({names}) VALUES\n" + ",\n".join(rows) + ";"
    down = f"DELETE FROM {t.name} WHERE {t.label.name} IN ({', '.join(labels)});"
    return up, down, labels


def k_seed(m: Model, rev: int):
    rng = m.rng
    for _ in range(6):
        t = pick_table(m, lambda x: not x.no_dml)
        try:
            up1, down1, labels = seed_rows(m, t, rev, rng.randint(2, 12))
        except Skip:
            continue
        up, down = [up1], [down1]
        children = [c for c in m.tables if not c.no_dml and c is not t and c is not m.audit_table
                    and any(x.fk is t for x in c.columns)]
        child = None
        if children and rng.random() < 0.35:
            child = m.pick(children)
            try:
                up2, down2, _ = seed_rows(m, child, rev, rng.randint(2, 6), (t, labels[0]))
                up.append(up2)
                down.insert(0, down2)
            except Skip:
                child = None
        t.rows += 1
        if child is not None:
            child.rows += 1
        msg = f"seed {t.name}" + (f" and {child.name}" if child else "")
        return msg, up, down
    raise Skip


def k_backfill(m: Model, rev: int):
    t = pick_table(m, lambda x: not x.no_dml and not x.updated_trigger and x.rows > 0)
    opts = [("search_key", "text", f"lower({t.label.name})", "lower"),
            ("label_length", "integer", f"char_length({t.label.name})", "length")]
    for c in t.columns:
        if c.role == "money" and c.notnull:
            opts.append((f"{c.name}_cents", "bigint", f"({c.name} * 100)::bigint", "cents"))
        if c.role == "email":
            opts.append((f"{c.name}_domain", "text",
                         f"coalesce(split_part({c.name}, '@', 2), '')", "domain"))
        if c.role == "code" and c.notnull:
            opts.append((f"{c.name}_prefix", "text", f"split_part({c.name}, '-', 1)", "prefix"))
    base, typ, expr, what = m.pick(opts)
    name = m.colname(t, [base])
    c = Column(name, typ, "derived", notnull=True)
    t.columns.append(c)
    up = [f"ALTER TABLE {t.name} ADD COLUMN {name} {typ};",
          f"UPDATE {t.name} SET {name} = {expr};",
          f"ALTER TABLE {t.name} ALTER COLUMN {name} SET NOT NULL;"]
    down = [f"ALTER TABLE {t.name} DROP COLUMN {name};"]
    return f"backfill {t.name}.{name}", up, down


def k_snapshot_table(m: Model, rev: int):
    """A data migration: copy rows into a new table with INSERT ... SELECT."""
    src = pick_table(m, lambda x: not x.no_dml and x.rows > 0)
    name = m.take(f"{singular(src.name)}_snapshots")
    m.names.update({ident(f"{name}_pkey"), ident(f"{name}_id_seq")})
    pk = Column("id", "bigint", "identity", notnull=True, identity=True)
    fkc = Column(f"{singular(src.name)}_id", src.pk.sqltype, "fkid", fk=src, notnull=True)
    label = Column("label", "text", "label", notnull=True)
    cap = Column("captured_at", "timestamptz", "created", notnull=True,
                 default="'2024-06-01 00:00:00+00'::timestamptz")
    t = Table(name=name, pk=pk, label=label, columns=[pk, fkc, label, cap], rows=src.rows)
    ix = m.take(f"ix_{name}_{fkc.name}")
    t.index_sigs.add((fkc.name,))
    up = [f"CREATE TABLE {name} (\n"
          "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
          f"    {fkc.name} {src.pk.sqltype} NOT NULL REFERENCES {src.name} (id) "
          "ON DELETE CASCADE,\n"
          "    label text NOT NULL,\n"
          f"    captured_at timestamptz NOT NULL DEFAULT {cap.default}\n);",
          f"INSERT INTO {name} ({fkc.name}, label)\n"
          f"SELECT id, {src.label.name} FROM {src.name} ORDER BY id;",
          f"CREATE INDEX {ix} ON {name} ({fkc.name});"]
    m.tables.append(t)
    return (f"snapshot {src.name} into {name}", up, [f"DROP INDEX {ix};", f"DROP TABLE {name};"])


def k_enum(m: Model, rev: int):
    t = pick_table(m)
    labels = list(m.pick(ENUM_LABELS))
    ename = m.take(f"{singular(t.name)}_{m.pick(['status', 'state', 'kind', 'tier'])}")
    m.enums[ename] = labels
    m.enum_base[ename] = list(labels)
    m.enum_users[ename] = []
    cname = m.colname(t, ENUM_COLS)
    c = Column(cname, ename, "enum", notnull=True, default=f"{q(labels[0])}::{ename}",
               enum=ename)
    lab = ", ".join(q(x) for x in labels)
    up = [f"CREATE TYPE {ename} AS ENUM ({lab});",
          f"ALTER TABLE {t.name} ADD COLUMN {cname} {ename} NOT NULL DEFAULT {q(labels[0])};"]
    down = [f"ALTER TABLE {t.name} DROP COLUMN {cname};", f"DROP TYPE {ename};"]
    if m.rng.random() < 0.35:
        ix = m.take(f"ix_{t.name}_{cname}")
        up.append(f"CREATE INDEX {ix} ON {t.name} ({cname});")
        down.insert(0, f"DROP INDEX {ix};")
        t.index_sigs.add((cname,))
    t.columns.append(c)
    m.enum_users[ename].append((t, c))
    return f"add {ename} enum to {t.name}", up, down


def k_enum_add_value(m: Model, rev: int):
    if not m.enums:
        raise Skip
    ename = m.pick(sorted(m.enums))
    labels = m.enums[ename]
    extra = [x for x in ENUM_EXTRA if x not in labels]
    if not extra:
        raise Skip
    val = m.pick(extra)
    pos = m.rng.random()
    if pos < 0.3:
        anchor = m.pick(labels)
        up = [f"ALTER TYPE {ename} ADD VALUE {q(val)} BEFORE {q(anchor)};"]
        new = labels[: labels.index(anchor)] + [val] + labels[labels.index(anchor):]
    elif pos < 0.5:
        anchor = m.pick(labels)
        up = [f"ALTER TYPE {ename} ADD VALUE {q(val)} AFTER {q(anchor)};"]
        new = labels[: labels.index(anchor) + 1] + [val] + labels[labels.index(anchor) + 1:]
    else:
        up = [f"ALTER TYPE {ename} ADD VALUE {q(val)};"]
        new = labels + [val]
    # PostgreSQL cannot drop an enum value: the down recreates the type with the old labels
    old = ident(f"{ename}_old")
    down = [f"ALTER TYPE {ename} RENAME TO {old};",
            f"CREATE TYPE {ename} AS ENUM ({', '.join(q(x) for x in labels)});"]
    for t, c in m.enum_users[ename]:
        parts = []
        if c.default is not None:
            parts.append(f"ALTER COLUMN {c.name} DROP DEFAULT")
        parts.append(f"ALTER COLUMN {c.name} TYPE {ename} USING {c.name}::text::{ename}")
        if c.default is not None:
            parts.append(f"ALTER COLUMN {c.name} SET DEFAULT {c.default}")
        down.append(f"ALTER TABLE {t.name} " + ", ".join(parts) + ";")
    down.append(f"DROP TYPE {old};")
    m.enums[ename] = new
    return f"add {val} to {ename}", up, down


def k_alter_type(m: Model, rev: int):
    cands = [(t, c) for t in m.tables if t is not m.audit_table for c in t.columns
             if c.sqltype in WIDEN and not c.pinned and not c.in_view and c.fk is None
             and not c.identity and not c.enum and not c.domain and c.role != "serial"]
    if not cands:
        raise Skip
    t, c = m.pick(cands)
    old, new = c.sqltype, WIDEN[c.sqltype]
    c.sqltype = new
    return (f"widen {t.name}.{c.name} to {new}",
            [f"ALTER TABLE {t.name} ALTER COLUMN {c.name} TYPE {new};"],
            [f"ALTER TABLE {t.name} ALTER COLUMN {c.name} TYPE {old};"])


def k_rename_column(m: Model, rev: int):
    cands = [(t, c) for t in m.tables if t is not m.audit_table for c in t.columns
             if not c.pinned and c.name not in ("id", "created_at", "updated_at")]
    if not cands:
        raise Skip
    t, c = m.pick(cands)
    new = RENAMES.get(c.name)
    if not new or t.col(new) is not None:
        new = m.colname(t, [f"{c.name}_old" if c.role != "fkid" else f"legacy_{c.name}"])
    old = c.name
    c.name = new
    return (f"rename {t.name}.{old} to {new}",
            [f"ALTER TABLE {t.name} RENAME COLUMN {old} TO {new};"],
            [f"ALTER TABLE {t.name} RENAME COLUMN {new} TO {old};"])


def k_rename_table(m: Model, rev: int):
    t = pick_table(m, lambda x: not x.pinned)
    if "_" in t.name and t.name.split("_", 1)[0] in MODULES:
        cand = t.name + "_v2"
    else:
        cand = f"{m.pick(MODULES)}_{t.name}"
    if not m.free(cand):
        raise Skip
    new = m.take(cand)
    old = t.name
    t.name = new
    return (f"rename {old} to {new}", [f"ALTER TABLE {old} RENAME TO {new};"],
            [f"ALTER TABLE {new} RENAME TO {old};"])


def k_comment(m: Model, rev: int):
    t = pick_table(m)
    if m.rng.random() < 0.4:
        old = t.comment
        t.comment = f"{t.name.replace('_', ' ').capitalize()}: reviewed in revision {rev}" + (
            " (don't drop)" if rev % 3 == 0 else "")
        return (f"comment on {t.name}", [f"COMMENT ON TABLE {t.name} IS {q(t.comment)};"],
                [f"COMMENT ON TABLE {t.name} IS {q(old) if old else 'NULL'};"])
    c = m.pick(t.columns)
    old = c.comment
    c.comment = f"{c.name.replace('_', ' ')} of the {singular(t.name)}; units: " + m.pick(
        ["none", "EUR", "seconds", "percent", "count", "UTC"])
    return (f"comment on {t.name}.{c.name}",
            [f"COMMENT ON COLUMN {t.name}.{c.name} IS {q(c.comment)};"],
            [f"COMMENT ON COLUMN {t.name}.{c.name} IS {q(old) if old else 'NULL'};"])


def k_add_check(m: Model, rev: int):
    t = pick_table(m)
    cands = [c for c in t.columns if c.role in ROLES and ROLES[c.role][3]
             and not c.enum and not c.domain]
    if not cands:
        raise Skip
    c = m.pick(cands)
    expr = ROLES[c.role][3].format(c=c.name)
    sig = ("check", c.name)
    if sig in t.index_sigs:
        raise Skip
    t.index_sigs.add(sig)
    cn = m.take(f"{t.name}_{c.name}_ck")
    not_valid = " NOT VALID" if m.rng.random() < 0.15 else ""
    up = [f"ALTER TABLE {t.name} ADD CONSTRAINT {cn} CHECK ({expr}){not_valid};"]
    if not_valid:
        up.append(f"ALTER TABLE {t.name} VALIDATE CONSTRAINT {cn};")
    return (f"check {c.name} on {t.name}", up,
            [f"ALTER TABLE {t.name} DROP CONSTRAINT {cn};"])


def k_add_unique(m: Model, rev: int):
    t = pick_table(m, lambda x: x.rows == 0)
    cands = [c for c in t.columns if c.role in ROLES and ROLES[c.role][4]]
    fks = [c for c in t.columns if c.fk is not None]
    if fks and m.rng.random() < 0.4:
        cols = [m.pick(fks), t.label]
    elif cands:
        cols = [m.pick(cands)]
    else:
        raise Skip
    sig = ("u",) + tuple(c.name for c in cols)
    if sig in t.index_sigs:
        raise Skip
    t.index_sigs.add(sig)
    cn = m.take(f"{t.name}_{'_'.join(c.name for c in cols)}_key")
    collist = ", ".join(c.name for c in cols)
    return (f"unique {collist} on {t.name}",
            [f"ALTER TABLE {t.name} ADD CONSTRAINT {cn} UNIQUE ({collist});"],
            [f"ALTER TABLE {t.name} DROP CONSTRAINT {cn};"])


def k_set_default(m: Model, rev: int):
    choices = {"flag": ["true", "false"], "qty": ["0", "1", "10"], "locale": ["'en'", "'de'"],
               "prio": ["0", "5"], "money": ["0", "9.99"], "counter": ["0"],
               "time": ["'09:30'", "'18:00'"], "interval": ["'00:15:00'", "'1 day'"]}
    cands = [(t, c) for t in m.tables for c in t.columns if c.role in choices and not c.enum
             and t is not m.audit_table]
    if not cands:
        raise Skip
    t, c = m.pick(cands)
    opts = [v for v in choices[c.role] if v != c.default]
    if not opts:
        raise Skip
    new = m.pick(opts)
    old = c.default
    c.default = new
    down = (f"ALTER TABLE {t.name} ALTER COLUMN {c.name} SET DEFAULT {old};" if old is not None
            else f"ALTER TABLE {t.name} ALTER COLUMN {c.name} DROP DEFAULT;")
    return (f"default {new.strip(chr(39))} for {t.name}.{c.name}",
            [f"ALTER TABLE {t.name} ALTER COLUMN {c.name} SET DEFAULT {new};"], [down])


def k_trigger_updated_at(m: Model, rev: int):
    t = pick_table(m, lambda x: not x.updated_trigger)
    up, down = [], []
    if "set_updated_at" not in m.functions:
        m.functions.add("set_updated_at")
        up.append("CREATE FUNCTION set_updated_at() RETURNS trigger\n"
                  "LANGUAGE plpgsql AS $$\n"
                  "BEGIN\n"
                  "    NEW.updated_at := now();\n"
                  "    RETURN NEW;\n"
                  "END;\n$$;")
        down.append("DROP FUNCTION set_updated_at();")
    col = t.col("updated_at")
    if col is None:
        col = Column("updated_at", "timestamptz", "created", notnull=True,
                     default="'2024-01-01 00:00:00+00'::timestamptz" if t.rows else "now()")
        up.append(f"ALTER TABLE {t.name} ADD COLUMN updated_at timestamptz NOT NULL "
                  f"DEFAULT {col.default};")
        down.insert(0, f"ALTER TABLE {t.name} DROP COLUMN updated_at;")
        t.columns.append(col)
    col.pinned = True
    trg = ident(f"trg_{t.name}_updated_at")
    up.append(f"CREATE TRIGGER {trg}\n    BEFORE UPDATE ON {t.name}\n    FOR EACH ROW "
              "EXECUTE FUNCTION set_updated_at();")
    down.insert(0, f"DROP TRIGGER {trg} ON {t.name};")
    t.updated_trigger = True
    return f"maintain {t.name}.updated_at", up, down


def k_audit(m: Model, rev: int):
    up, down = [], []
    if m.audit_table is None:
        name = m.take("audit_log")
        m.names.update({"audit_log_pkey", "audit_log_id_seq"})
        pk = Column("id", "bigint", "identity", notnull=True, identity=True)
        lab = Column("table_name", "text", "label", notnull=True, pinned=True)
        at = Table(name=name, pk=pk, label=lab, columns=[pk, lab], pinned=True, no_dml=True)
        for cn, ct in (("operation", "text"), ("row_data", "jsonb"), ("changed_at",
                                                                      "timestamptz")):
            at.columns.append(Column(cn, ct, "audit", pinned=True))
        m.audit_table = at
        m.tables.append(at)
        m.functions.add("audit_row_change")
        up.append(f"CREATE TABLE {name} (\n"
                  "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                  "    table_name text NOT NULL,\n"
                  "    operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', "
                  "'DELETE')),\n"
                  "    row_data jsonb,\n"
                  "    changed_at timestamptz NOT NULL DEFAULT now()\n);")
        up.append(f"CREATE INDEX ix_audit_log_table_changed ON {name} (table_name, "
                  "changed_at DESC);")
        m.names.add("ix_audit_log_table_changed")
        up.append("CREATE FUNCTION audit_row_change() RETURNS trigger\n"
                  "LANGUAGE plpgsql AS $$\n"
                  "DECLARE\n"
                  "    v_row jsonb;\n"
                  "BEGIN\n"
                  "    IF TG_OP = 'DELETE' THEN\n"
                  "        v_row := to_jsonb(OLD);\n"
                  "    ELSE\n"
                  "        v_row := to_jsonb(NEW);\n"
                  "    END IF;\n"
                  f"    INSERT INTO {name} (table_name, operation, row_data)\n"
                  "    VALUES (TG_TABLE_NAME, TG_OP, v_row);\n"
                  "    RETURN NULL;\n"
                  "END;\n$$;")
        down = ["DROP FUNCTION audit_row_change();", f"DROP TABLE {name};"]
    t = pick_table(m, lambda x: not x.no_dml)
    t.no_dml = True
    trg = ident(f"trg_{t.name}_audit")
    up.append(f"CREATE TRIGGER {trg}\n    AFTER INSERT OR UPDATE OR DELETE ON {t.name}\n"
              "    FOR EACH ROW EXECUTE FUNCTION audit_row_change();")
    down.insert(0, f"DROP TRIGGER {trg} ON {t.name};")
    return f"audit changes to {t.name}", up, down


def k_normalize_trigger(m: Model, rev: int):
    cands = [(t, c) for t in m.tables for c in t.columns if c.role == "email"
             and not c.domain and t is not m.audit_table
             and not getattr(c, "normalized", False)]
    if not cands:
        raise Skip
    t, c = m.pick(cands)
    fn = ident(f"{t.name}_normalize_{c.name}")
    if fn in m.functions:
        raise Skip
    m.functions.add(fn)
    c.normalized = True  # type: ignore[attr-defined]
    c.pinned = True
    trg = ident(f"trg_{t.name}_normalize_{c.name}")
    up = [f"CREATE FUNCTION {fn}() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n"
          f"    IF NEW.{c.name} IS NOT NULL THEN\n"
          f"        NEW.{c.name} := lower(btrim(NEW.{c.name}));\n"
          f"    END IF;\n    RETURN NEW;\nEND;\n$$;",
          f"CREATE TRIGGER {trg}\n    BEFORE INSERT OR UPDATE OF {c.name} ON {t.name}\n"
          f"    FOR EACH ROW EXECUTE FUNCTION {fn}();"]
    down = [f"DROP TRIGGER {trg} ON {t.name};", f"DROP FUNCTION {fn}();"]
    return f"normalize {t.name}.{c.name}", up, down


def k_function(m: Model, rev: int):
    style = m.weighted([("summary", 3), ("total", 3), ("count_since", 2), ("slugify", 1),
                        ("procedure", 1)])
    if style == "slugify":
        if "slugify" in m.functions:
            raise Skip
        m.functions.add("slugify")
        up = ["CREATE FUNCTION slugify(input text) RETURNS text\n"
              "LANGUAGE sql IMMUTABLE STRICT AS $$\n"
              "    SELECT trim(both '-' FROM regexp_replace(lower(input), '[^a-z0-9]+', '-', "
              "'g'))\n$$;"]
        return "add slugify()", up, ["DROP FUNCTION slugify(text);"]
    if style == "summary":
        t = pick_table(m)
        fn = ident(f"{singular(t.name)}_summary")
        if fn in m.functions:
            raise Skip
        t.pinned = True
        t.label.pinned = True
        m.functions.add(fn)
        up = [f"CREATE FUNCTION {fn}(p_id {t.pk.sqltype}) RETURNS text\n"
              "LANGUAGE plpgsql STABLE AS $$\n"
              "DECLARE\n    v_label text;\nBEGIN\n"
              f"    SELECT {t.label.name} INTO v_label FROM {t.name} WHERE id = p_id;\n"
              "    IF NOT FOUND THEN\n"
              f"        RAISE EXCEPTION '{singular(t.name)} % not found', p_id;\n"
              "    END IF;\n"
              "    RETURN format('%s: %s (id=%s)', "
              f"{q(singular(t.name))}, v_label, p_id);\nEND;\n$$;"]
        return (f"add {fn}()", up, [f"DROP FUNCTION {fn}({t.pk.sqltype});"])
    if style == "total":
        pairs = [(p, ch, fk, mon) for ch in m.tables for fk in ch.columns if fk.fk is not None
                 for p in [fk.fk] for mon in ch.columns if mon.role == "money"]
        if not pairs:
            raise Skip
        p, ch, fk, mon = m.pick(pairs)
        fn = ident(f"{singular(p.name)}_{mon.name}_total")
        if fn in m.functions:
            raise Skip
        m.functions.add(fn)
        ch.pinned = True
        fk.pinned = True
        mon.pinned = True
        lang = m.pick(["sql", "plpgsql"])
        if lang == "sql":
            body = (f"    SELECT coalesce(sum({mon.name}), 0)::numeric\n"
                    f"    FROM {ch.name}\n    WHERE {fk.name} = p_id;")
            head = "LANGUAGE sql STABLE AS $$\n"
        else:
            body = ("DECLARE\n    v_total numeric := 0;\nBEGIN\n"
                    f"    SELECT coalesce(sum({mon.name}), 0) INTO v_total\n"
                    f"    FROM {ch.name} WHERE {fk.name} = p_id;\n"
                    "    RETURN round(v_total, 2);\nEND;")
            head = "LANGUAGE plpgsql STABLE AS $$\n"
        up = [f"CREATE FUNCTION {fn}(p_id {p.pk.sqltype}) RETURNS numeric\n{head}{body}\n$$;"]
        return f"add {fn}()", up, [f"DROP FUNCTION {fn}({p.pk.sqltype});"]
    if style == "count_since":
        t = pick_table(m, lambda x: x.col("created_at") is not None)
        fn = ident(f"count_{t.name}_since")
        if fn in m.functions:
            raise Skip
        m.functions.add(fn)
        t.pinned = True
        up = [f"CREATE FUNCTION {fn}(p_since timestamptz DEFAULT now() - interval '30 days')\n"
              "RETURNS bigint\nLANGUAGE sql STABLE PARALLEL SAFE AS $$\n"
              f"    SELECT count(*) FROM {t.name} WHERE created_at >= p_since;\n$$;"]
        return f"add {fn}()", up, [f"DROP FUNCTION {fn}(timestamptz);"]
    # procedure
    t = pick_table(m, lambda x: any(c.role == "flag" for c in x.columns)
                   and x.col("created_at") is not None)
    flag = next(c for c in t.columns if c.role == "flag")
    fn = ident(f"deactivate_stale_{t.name}")
    if fn in m.functions:
        raise Skip
    m.functions.add(fn)
    t.pinned = True
    flag.pinned = True
    up = [f"CREATE PROCEDURE {fn}(p_before timestamptz)\nLANGUAGE plpgsql AS $$\n"
          "DECLARE\n    v_count integer;\nBEGIN\n"
          f"    UPDATE {t.name} SET {flag.name} = false\n"
          f"    WHERE created_at < p_before AND {flag.name};\n"
          "    GET DIAGNOSTICS v_count = ROW_COUNT;\n"
          f"    RAISE NOTICE 'deactivated % rows of {t.name} before %', v_count, p_before;\n"
          "END;\n$$;"]
    return f"add {fn} procedure", up, [f"DROP PROCEDURE {fn}(timestamptz);"]


def k_view(m: Model, rev: int, materialized: bool = False):
    pairs = [(ch, fk) for ch in m.tables if ch is not m.audit_table for fk in ch.columns
             if fk.fk is not None and fk.fk is not ch]
    if not pairs:
        raise Skip
    ch, fk = m.pick(pairs)
    p = fk.fk
    if materialized or m.rng.random() < 0.5:
        vname = f"{'mv' if materialized else 'v'}_{singular(p.name)}_{ch.name}_stats"
        money = [c for c in ch.columns if c.role == "money" and not c.enum]
        sel = ["p.id", f"p.{p.label.name}", f"count(c.id) AS {ident(ch.name + '_count')}"]
        used = [p.label, fk]
        if money:
            sel.append(f"coalesce(sum(c.{money[0].name}), 0) AS total_{money[0].name}")
            used.append(money[0])
        sql = (f"SELECT {', '.join(sel)}\nFROM {p.name} p\n"
               f"LEFT JOIN {ch.name} c ON c.{fk.name} = p.id\n"
               f"GROUP BY p.id, p.{p.label.name}")
    else:
        vname = f"v_{ch.name}_with_{singular(p.name)}"
        flags = [c for c in ch.columns if c.role == "flag"]
        extra = [c for c in ch.columns if c.role in ("money", "ts", "date", "code")][:2]
        sel = ["c.id", f"c.{ch.label.name}"] + [f"c.{x.name}" for x in extra] + [
            f"p.id AS {ident(singular(p.name) + '_id')}",
            f"p.{p.label.name} AS {ident(singular(p.name) + '_' + p.label.name)}"]
        used = [ch.label, fk, p.label] + extra
        sql = (f"SELECT {', '.join(sel)}\nFROM {ch.name} c\n"
               f"JOIN {p.name} p ON p.id = c.{fk.name}")
        if flags:
            sql += f"\nWHERE c.{flags[0].name}"
            used.append(flags[0])
        if len({x.name for x in extra} | {ch.label.name, "id"}) != len(extra) + 2:
            raise Skip
        if ident(singular(p.name) + "_" + p.label.name) in {x.name for x in extra} | {
                ch.label.name}:
            raise Skip
    vname = m.take(vname)
    for c in used:
        c.in_view = True
    if materialized:
        ix = m.take(f"ux_{vname}_id")
        up = [f"CREATE MATERIALIZED VIEW {vname} AS\n{sql};",
              f"CREATE UNIQUE INDEX {ix} ON {vname} (id);"]
        return f"add materialized view {vname}", up, [f"DROP MATERIALIZED VIEW {vname};"]
    return f"add view {vname}", [f"CREATE VIEW {vname} AS\n{sql};"], [f"DROP VIEW {vname};"]


def k_matview(m: Model, rev: int):
    return k_view(m, rev, materialized=True)


def k_domain(m: Model, rev: int):
    free = [d for d in DOMAINS if d[0] not in m.domains and m.free(d[0])]
    if not free:
        raise Skip
    dname, base, check, kind = m.pick(free)
    t = pick_table(m)
    m.take(dname)
    m.domains[dname] = kind
    cname = m.colname(t, [{"email": "contact_address", "money": "credit_limit",
                           "iso": "country", "pct": "share", "slug": "url_slug",
                           "color": "brand_color", "port": "port", "semver": "version"}[kind]])
    c = Column(cname, dname, "domain", domain=dname)
    t.columns.append(c)
    cn = f"{dname}_check"
    up = [f"CREATE DOMAIN {dname} AS {base}\n    CONSTRAINT {cn} CHECK ({check});",
          f"ALTER TABLE {t.name} ADD COLUMN {cname} {dname};"]
    down = [f"ALTER TABLE {t.name} DROP COLUMN {cname};", f"DROP DOMAIN {dname};"]
    return f"add {dname} domain", up, down


def k_sequence(m: Model, rev: int):
    t = pick_table(m)
    noun = [w for w in singular(t.name).split("_") if w.isalpha()][-1]
    cname = m.colname(t, [f"{noun}_number", "serial_no"])
    seq = m.take(f"{t.name}_{cname}_seq")
    start = 1000 * (1 + rev % 9)
    c = Column(cname, "bigint", "seqnum", notnull=True, default=f"nextval('{seq}')",
               seqdefault=True)
    t.columns.append(c)
    up = [f"CREATE SEQUENCE {seq} AS bigint START WITH {start} INCREMENT BY 1 CACHE 1;",
          f"ALTER TABLE {t.name} ADD COLUMN {cname} bigint NOT NULL DEFAULT nextval('{seq}');"]
    down = [f"ALTER TABLE {t.name} DROP COLUMN {cname};", f"DROP SEQUENCE {seq};"]
    if m.rng.random() < 0.6:
        ix = m.take(f"ux_{t.name}_{cname}")
        up.append(f"CREATE UNIQUE INDEX {ix} ON {t.name} ({cname});")
        down.insert(0, f"DROP INDEX {ix};")
    return f"number {t.name} with {seq}", up, down


KINDS = [
    (k_create_table, 15.0), (k_add_column, 15.0), (k_create_index, 9.0), (k_seed, 9.0),
    (k_backfill, 4.0), (k_snapshot_table, 1.0), (k_enum, 5.0), (k_enum_add_value, 1.5),
    (k_alter_type, 2.0),
    (k_rename_column, 2.5), (k_rename_table, 1.0), (k_comment, 4.0), (k_add_check, 3.0),
    (k_add_unique, 1.5), (k_set_default, 2.0), (k_trigger_updated_at, 3.0), (k_audit, 0.8),
    (k_normalize_trigger, 0.8), (k_function, 2.5), (k_view, 2.0), (k_matview, 0.4),
    (k_domain, 0.6), (k_sequence, 1.7), (k_concurrent_index, 0.8),
]

EARLY_KINDS = [(k, w * 1.15 if k is k_create_table else w) for k, w in KINDS]
COMPOUND = 0.25
COMPOUND_KINDS = [(k, w) for k, w in KINDS if k is not k_concurrent_index]

# ---------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------


def rev_id(seed: int, i: int) -> str:
    return hashlib.sha256(f"strata-bench:{seed}:{i}".encode()).hexdigest()[:12]


# In the volatile variant, the share of revisions whose down leaves something behind (real
# histories: 10-15 % of downs are broken, and nobody notices until a downgrade).
BROKEN_DOWNS = 0.12


# Ways a down goes wrong: each takes a revision and returns its broken down, or None when the
# revision does not fit. Every broken down still runs without error on the state its up left
# (the up run again after it may fail: a table or type that is still there).
def _forget_last(r: Revision, m: Model) -> list[str] | None:
    """The down forgets its last statement (or does nothing at all)."""
    return r.down[:-1] if len(r.down) > 1 else ["SELECT 1;"]


def _drop_wrong_index(r: Revision, m: Model, concurrently: bool) -> list[str] | None:
    """DROP INDEX IF EXISTS under another name than the up gave it: the index stays."""
    kind = "concurrent_index" if concurrently else "create_index"
    hit = re.fullmatch(r"DROP INDEX (CONCURRENTLY )?(\w+);", r.down[0]) \
        if r.kind == kind and len(r.down) == 1 else None
    wrong = hit and ident(hit[2] + "_idx")
    if not hit or wrong in m.names:
        return None
    return [f"DROP INDEX {hit[1] or ''}IF EXISTS {wrong};"]


def _leave_table(r: Revision, m: Model) -> list[str] | None:
    """The down drops the table's indexes but not the table."""
    if r.kind != "create_table":
        return None
    return [s for s in r.down if not s.startswith("DROP TABLE ")] or ["SELECT 1;"]


def _leave_type(r: Revision, m: Model) -> list[str] | None:
    """The down drops the enum column but not its type (Alembic's drop_column does just that)."""
    if r.kind != "enum":
        return None
    return [s for s in r.down if not s.startswith("DROP TYPE ")]


def _drop_wrong_function(r: Revision, m: Model) -> list[str] | None:
    """DROP FUNCTION IF EXISTS with no arguments, for a function that takes one: it stays."""
    hit = re.fullmatch(r"DROP (FUNCTION|PROCEDURE) (\w+)\(.+\);", r.down[0]) \
        if r.kind == "function" and len(r.down) == 1 else None
    return [f"DROP {hit[1]} IF EXISTS {hit[2]}();"] if hit else None


def _readd_column(r: Revision, m: Model) -> list[str] | None:
    """The down restores a widened column's old type by dropping it and adding it back: at the
    end of the table, empty, without its constraints and indexes."""
    hit = re.fullmatch(r"ALTER TABLE (\w+) ALTER COLUMN (\w+) TYPE (.+);", r.down[0]) \
        if r.kind == "alter_type" and len(r.down) == 1 else None
    if not hit:
        return None
    return [f"ALTER TABLE {hit[1]} DROP COLUMN {hit[2]};",
            f"ALTER TABLE {hit[1]} ADD COLUMN {hit[2]} {hit[3]};"]


def _leave_row(r: Revision, m: Model) -> list[str] | None:
    """The down deletes the seeded rows but one (its list of labels is one short)."""
    hit = re.fullmatch(r"(DELETE FROM \w+ WHERE \w+ IN \()(.*)\);", r.down[-1], re.S) \
        if r.kind == "seed" else None
    labels = re.findall(r"'(?:[^']|'')*'", hit[2]) if hit else []
    if len(labels) < 2:
        return None
    return r.down[:-1] + [hit[1] + ", ".join(labels[:-1]) + ");"]


# each of these on one revision of a fitting kind (when the history has one), then one
# forgotten last statement in every stretch of 1 / BROKEN_DOWNS revisions that has none yet
BROKEN_SHAPES = {
    "index left (concurrently)": lambda r, m: _drop_wrong_index(r, m, True),
    "table left": _leave_table,
    "index left": lambda r, m: _drop_wrong_index(r, m, False),
    "type left": _leave_type,
    "function left": _drop_wrong_function,
    "column re-added at the end": _readd_column,
    "row left": _leave_row,
}


def break_downs(revs: list[Revision], seed: int, m: Model) -> dict[int, str]:
    """Break about BROKEN_DOWNS of the downs, spread over the history, with a random stream of
    their own (the ups stay as they are). Returns {revision index: shape}."""
    rng = random.Random(f"broken-downs:{seed}")
    shapes: dict[int, str] = {}
    for name, shape in BROKEN_SHAPES.items():
        cands = [r.index for r in revs if r.index not in shapes and shape(r, m) is not None]
        if cands:
            shapes[cands[rng.randrange(len(cands))]] = name
    k = max(1, round(len(revs) * BROKEN_DOWNS))
    for j in range(k):
        stretch = [r.index for r in revs[j * len(revs) // k:(j + 1) * len(revs) // k] if r.down]
        if stretch and not any(i in shapes for i in stretch):
            shapes[stretch[rng.randrange(len(stretch))]] = "last statement forgotten"
    for i, name in shapes.items():
        revs[i].down = BROKEN_SHAPES.get(name, _forget_last)(revs[i], m)
    return shapes


def generate(n: int, seed: int = DEFAULT_SEED, volatile: bool = False) -> list[Revision]:
    """The first n revisions of the history for `seed` (a prefix of any longer one). With
    `volatile`, the same history shaped like a real one: its seed rows take now() and
    gen_random_uuid() values, and about BROKEN_DOWNS of its downs leave something behind (the
    ups are the same; break_downs picks the broken downs for the whole n, so they are not a
    prefix of a longer history's)."""
    rng = random.Random(seed)
    m = Model(rng)
    m.volatile_seeds = volatile
    revs: list[Revision] = []
    base = datetime(2024, 1, 8, 9, 0, tzinfo=timezone.utc)
    ids: set[str] = set()
    def one(first, i, kinds):
        fn = first
        for _attempt in range(50):
            try:
                return fn, fn(m, i + 1)
            except Skip:
                # kinds change the model only after their last Skip (at most a reserved
                # name leaks), so trying another kind is safe and stays deterministic
                fn = m.weighted(kinds)
        raise RuntimeError("no applicable revision kind")  # pragma: no cover

    for i in range(n):
        # young projects create tables faster
        kinds = KINDS if i >= 150 else EARLY_KINDS
        first = k_create_table if i < 4 or len(m.tables) < 3 else m.weighted(kinds)
        fn, out = one(first, i, KINDS)
        msg, up, down = out[0], list(out[1]), list(out[2])
        transactional = out[3] if len(out) > 3 else True
        kind = fn.__name__[2:]
        # about a quarter of real revisions do more than one thing
        if transactional and i >= 4 and rng.random() < COMPOUND:
            fn2, out2 = one(m.weighted(COMPOUND_KINDS), i, COMPOUND_KINDS)
            msg = f"{msg}; {out2[0]}"
            up += out2[1]
            down = list(out2[2]) + down
            kind += "+" + fn2.__name__[2:]
        rid = rev_id(seed, i)
        assert rid not in ids, "revision id collision"
        ids.add(rid)
        created = base + timedelta(hours=7 * i, minutes=(i * 37) % 60)
        revs.append(Revision(i, rid, revs[-1].id if revs else None, msg,
                             created.strftime("%Y-%m-%dT%H:%M:%SZ"), kind, up, down,
                             transactional))
    if volatile:
        break_downs(revs, seed, m)
    return revs


def render_strata(r: Revision) -> str:
    lines = [f"-- revision: {r.id}", f"-- down_revision: {r.down_id or 'none'}",
             f"-- message: {r.message}", f"-- created: {r.created}"]
    if not r.transactional:
        lines.append("-- transactional: false")
    text = "\n".join(lines) + "\n\n-- migrate:up\n" + "\n".join(r.up) + "\n"
    text += "\n-- migrate:down\n" + "\n".join(r.down) + "\n"
    return text


def clean_dir(path: str, pattern: str) -> None:
    os.makedirs(path, exist_ok=True)
    for f in os.listdir(path):
        if re.fullmatch(pattern, f):
            os.remove(os.path.join(path, f))


def write_strata(revs: list[Revision], out: str) -> None:
    clean_dir(out, r"[0-9a-f]{12}_.*\.sql|strata\.sum")
    for r in revs:
        with open(os.path.join(out, r.filename), "w", encoding="utf-8", newline="\n") as f:
            f.write(render_strata(r))


# ---------------------------------------------------------------------------------------------
# Other tools' layouts (issue 12): the same revisions as diesel, golang-migrate, dbmate, goose,
# sqlx, Flyway and Prisma keep them (rules: docs/formats/*.md)
# ---------------------------------------------------------------------------------------------

LAYOUTS = ("strata", "diesel", "golang-migrate", "dbmate", "goose", "sqlx", "flyway", "prisma")
# revision i is stamped LAYOUT_EPOCH + i hours: versions depend on the index only (so a history
# of N revisions is still a prefix of every longer one), are unique, and sort the same as
# strings and as numbers (fixed width)
LAYOUT_EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)
PRISMA_LOCK = ("# Please do not edit this file manually\n"
               "# It should be added in your version-control system (e.g., Git)\n"
               'provider = "postgresql"\n')
# every name write_layout may have written (any layout), removed before writing a new one
_GENERATED = re.compile(
    r"[0-9a-f]{12}_.*\.sql|strata\.sum"                       # strata
    r"|\d{4}-\d{2}-\d{2}-\d{6}_[a-z0-9_]+"                     # diesel (directories)
    r"|\d{14}_[a-z0-9_]+(\.up|\.down)?\.sql"                   # golang-migrate, sqlx, dbmate, goose
    r"|[VU]\d+__[a-z0-9_]+\.sql"                               # flyway
    r"|\d{14}_[a-z0-9_]+|migration_lock\.toml")                # prisma


def layout_time(r: Revision) -> datetime:
    return LAYOUT_EPOCH + timedelta(hours=r.index)


def version14(r: Revision) -> str:
    """The 14-digit UTC timestamp version (golang-migrate, dbmate, goose, sqlx, prisma)."""
    return layout_time(r).strftime("%Y%m%d%H%M%S")


def sql_text(stmts: list[str]) -> str:
    """A section's SQL exactly as the strata layout carries it (between its markers)."""
    return "\n".join(stmts) + "\n"


def goose_ends_statement(line: str) -> bool:
    """goose's endsWithSemicolon: the last word before a `--` word ends with `;`."""
    last = ""
    for word in line.split():
        if word.startswith("--"):
            break
        last = word
    return last.endswith(";")


def _goose_plain(stmts: list[str]) -> str:
    """A section goose splits itself (NO TRANSACTION revisions: each statement runs on its
    own): every statement must end with `;` on its last line and on no other line."""
    for s in stmts:
        lines = s.strip().split("\n")
        if not goose_ends_statement(lines[-1]) or any(goose_ends_statement(x) for x in lines[:-1]):
            raise ValueError(f"cannot render for goose without StatementBegin/End: {s[:80]!r}")
    return sql_text(stmts)


def render_layout(r: Revision, layout: str) -> dict[str, str]:
    """The files of revision r in `layout`: {path relative to the migrations directory: text}.
    A revision without a down gets no down file (dbmate: an empty down block, as it requires
    the marker; goose: no Down section; prisma has no downs at all)."""
    up = sql_text(r.up)
    down = sql_text(r.down) if r.down else None
    tx = r.transactional
    base = f"{version14(r)}_{r.slug}"
    files: dict[str, str] = {}
    if layout == "strata":
        files[r.filename] = render_strata(r)
    elif layout == "diesel":
        d = f"{layout_time(r):%Y-%m-%d-%H%M%S}_{r.slug}"
        files[f"{d}/up.sql"] = up
        if down is not None:
            files[f"{d}/down.sql"] = down
        if not tx:
            files[f"{d}/metadata.toml"] = "run_in_transaction = false\n"
    elif layout == "golang-migrate":
        # no transaction marker: golang-migrate sends the file as one simple query (implicit
        # transaction), which a non-transactional revision's single statement survives
        files[f"{base}.up.sql"] = up
        if down is not None:
            files[f"{base}.down.sql"] = down
    elif layout == "dbmate":
        opt = "" if tx else " transaction:false"   # options are per block: both get it
        files[f"{base}.sql"] = f"-- migrate:up{opt}\n{up}-- migrate:down{opt}\n{down or ''}"
    elif layout == "goose":
        if tx:
            def section(stmts):
                return ("-- +goose StatementBegin\n" + sql_text(stmts)
                        + "-- +goose StatementEnd\n")
        else:
            section = _goose_plain
        text = ("" if tx else "-- +goose NO TRANSACTION\n") + "-- +goose Up\n" + section(r.up)
        if r.down:
            text += "\n-- +goose Down\n" + section(r.down)
        files[f"{base}.sql"] = text
    elif layout == "sqlx":
        mark = "" if tx else "-- no-transaction\n"   # byte-exact prefix at offset 0
        files[f"{base}.up.sql"] = mark + up
        if down is not None:
            files[f"{base}.down.sql"] = mark + down
    elif layout == "flyway":
        # no marker: Flyway runs a script whose statements are all non-transactional
        # (CREATE INDEX CONCURRENTLY) outside a transaction by itself; U = undo (Teams)
        files[f"V{r.index + 1}__{r.slug}.sql"] = up
        if down is not None:
            files[f"U{r.index + 1}__{r.slug}.sql"] = down
    elif layout == "prisma":
        files[f"{base}/migration.sql"] = up
    else:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    return files


def write_layout(revs: list[Revision], out: str, layout: str) -> None:
    """The revisions in `layout` in directory `out` (files a previous write_layout left there,
    in any layout, are removed first; nothing else is touched)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if _GENERATED.fullmatch(name):
            p = os.path.join(out, name)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.remove(p)
    made: set[str] = set()
    if layout == "prisma":
        with open(os.path.join(out, "migration_lock.toml"), "w", encoding="utf-8",
                  newline="\n") as f:
            f.write(PRISMA_LOCK)
    for r in revs:
        for rel, text in render_layout(r, layout).items():
            d = os.path.dirname(rel)
            if d and d not in made:
                os.makedirs(os.path.join(out, d), exist_ok=True)
                made.add(d)
            with open(os.path.join(out, rel), "w", encoding="utf-8", newline="\n") as f:
                f.write(text)


def project_toml(layout: str) -> str:
    return ("# strata project generated by bench/gen_history.py (benchmark input)\n"
            f'format = "{layout}"\nmigrations = "migrations"\narchive = "archive"\n')


def write_project(revs: list[Revision], project: str, layout: str) -> str:
    """A strata project: PROJECT/strata.toml (format, migrations, archive),
    PROJECT/migrations in `layout` and an empty PROJECT/archive. Returns strata.toml's path."""
    write_layout(revs, os.path.join(project, "migrations"), layout)
    os.makedirs(os.path.join(project, "archive"), exist_ok=True)
    path = os.path.join(project, "strata.toml")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(project_toml(layout))
    return path


# -- reading the layouts back as each tool would (the self-check) ----------------------------


@dataclass
class ReadRevision:
    """One migration as a tool reads it: its name, up and down SQL with the tool's markers
    stripped, and whether the tool runs it in a transaction (None: the tool has no marker)."""
    name: str
    up: str
    down: str | None
    transactional: bool | None


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_strata_dir(d: str) -> list[ReadRevision]:
    """strata format v1, in history order (root first, following down_revision)."""
    byparent, count = {}, 0
    for name in sorted(os.listdir(d)):
        if not name.endswith(".sql"):
            continue
        text = _read(os.path.join(d, name))
        head, _, body = text.partition("\n-- migrate:up\n")
        up, sep, down = body.partition("\n-- migrate:down\n")
        assert sep, f"{name}: no down marker"
        hdr = dict(re.findall(r"(?m)^-- ([a-z_]+): (.*)$", head))
        assert name == f"{hdr['revision']}_" + name.split("_", 1)[1], name
        rr = ReadRevision(name, up, down or None, hdr.get("transactional", "true") != "false")
        byparent[hdr["down_revision"]] = (hdr["revision"], rr)
        count += 1
    out, cur = [], "none"
    while cur in byparent:
        cur, rr = byparent[cur]
        out.append(rr)
    assert len(out) == count, f"{d}: history not linear"
    return out


def _diesel(d: str) -> list[ReadRevision]:
    seen: dict[str, ReadRevision] = {}
    for name in os.listdir(d):
        p = os.path.join(d, name)
        if name.startswith(".") or not os.path.isdir(p) or not os.listdir(p):
            continue
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-\d{6}_[a-z0-9_]+", name), name  # CLI's naming
        files = set(os.listdir(p))
        assert "up.sql" in files, f"{name}: no up.sql"
        assert files <= {"up.sql", "down.sql", "metadata.toml"}, files
        version = name.split("_")[0].replace("-", "")
        assert version not in seen, f"duplicate diesel version {version}"
        tx = True
        if "metadata.toml" in files:
            m = re.search(r"(?m)^run_in_transaction\s*=\s*(true|false)\s*$",
                          _read(os.path.join(p, "metadata.toml")))
            tx = bool(m) and m.group(1) == "true"
        up = _read(os.path.join(p, "up.sql"))
        assert up, f"{name}: empty up.sql"
        seen[version] = ReadRevision(name, up, _read(os.path.join(p, "down.sql"))
                                     if "down.sql" in files else None, tx)
    return [seen[v] for v in sorted(seen)]                  # string order


def _golang_migrate(d: str) -> list[ReadRevision]:
    rx = re.compile(r"^([0-9]+)_(.*)\.(down|up)\.(.*)$")    # source/parse.go Regex
    got: dict[int, dict[str, str]] = {}
    for name in os.listdir(d):
        m = rx.match(name)
        if not m or not os.path.isfile(os.path.join(d, name)):
            continue
        assert re.fullmatch(r"\d{14}_[a-z0-9_]+\.(up|down)\.sql", name), name
        v = int(m.group(1))
        assert m.group(3) not in got.get(v, {}), f"duplicate migration file: {name}"
        got.setdefault(v, {})[m.group(3)] = name
    out = []
    for v in sorted(got):
        f = got[v]
        assert "up" in f, f"version {v}: no up file"
        out.append(ReadRevision(f["up"], _read(os.path.join(d, f["up"])),
                                _read(os.path.join(d, f["down"])) if "down" in f else None,
                                None))
    return out


_DBMATE_UP = re.compile(r"(?m)^--\s*migrate:up(\s*$|\s+\S+)")
_DBMATE_DOWN = re.compile(r"(?m)^--\s*migrate:down(\s*$|\s+\S+)")


def _dbmate_opts(line: str) -> dict[str, str]:
    rest = re.sub(r"^--\s*migrate:(up|down)", "", line).strip()
    return dict(t.split(":") for t in rest.split() if len(t.split(":")) == 2)


def _dbmate(d: str) -> list[ReadRevision]:
    names = sorted(n for n in os.listdir(d) if re.match(r"^(\d+).*\.sql$", n)
                   and os.path.isfile(os.path.join(d, n)))      # byte order of file names
    versions = [re.match(r"\d+", n).group(0) for n in names]
    assert len(set(versions)) == len(versions), "duplicate dbmate versions"
    out = []
    for name in names:
        assert re.fullmatch(r"\d{14}_[a-z0-9_]+\.sql", name), name
        text = _read(os.path.join(d, name))
        ups, downs = list(_DBMATE_UP.finditer(text)), list(_DBMATE_DOWN.finditer(text))
        assert len(ups) == 1 and len(downs) == 1, f"{name}: one up and one down block"
        u, dn = ups[0], downs[0]
        assert u.start() < dn.start(), f"{name}: down before up"
        for line in text[:u.start()].splitlines():
            assert not line.strip() or line.strip().startswith("--"), f"{name}: SQL before up"
        up_line_end = text.index("\n", u.start()) + 1
        down_line_end = text.find("\n", dn.start()) + 1 or len(text)
        up_opts = _dbmate_opts(text[u.start():up_line_end].rstrip("\n"))
        down_opts = _dbmate_opts(text[dn.start():down_line_end].rstrip("\n"))
        up_tx, down_tx = up_opts.get("transaction") != "false", \
            down_opts.get("transaction") != "false"
        assert up_tx == down_tx, f"{name}: up and down differ in transaction:"
        down = text[down_line_end:]
        out.append(ReadRevision(name, text[up_line_end:dn.start()], down or None, up_tx))
    return out


def goose_parse(text: str) -> tuple[list[str], list[str], bool]:
    """goose's SQL parser (internal/sqlparser), as docs/formats describes it: the up and down
    statements (a StatementBegin/End block is one, kept as its raw lines) and useTx."""
    stmts: dict[str, list[str]] = {"up": [], "down": []}
    state, buf, block, use_tx = None, "", False, True
    for line in text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"):
        if line.strip().startswith("--") and "+goose" in line:
            assert line == line.lstrip(), "annotation with leading whitespace"
            ann = line.replace("--", "").replace("+goose", "", 1).strip().lower()
            if ann == "up":
                assert state is None, "duplicate or late Up"
                state = "up"
            elif ann == "down":
                assert state == "up" and not buf.strip() and not block, "bad Down"
                state = "down"
            elif ann == "statementbegin":
                assert state and not block and not buf.strip(), "bad StatementBegin"
                block = True
            elif ann == "statementend":
                assert block, "StatementEnd without Begin"
                stmts[state].append(buf)
                buf, block = "", False
            elif ann == "no transaction":
                use_tx = False
            else:
                raise AssertionError(f"unsupported annotation {line!r}")
            continue
        if state is None:
            assert not line.strip() or line.strip().startswith("--"), "SQL before Up"
            continue
        if block:
            buf += line + "\n"
            continue
        if not buf and (not line.strip() or line.strip().startswith("--")):
            continue
        buf += line + "\n"
        if goose_ends_statement(line):
            stmts[state].append(buf.strip())
            buf = ""
    assert state is not None, "must start with '-- +goose Up'"
    assert not block, "missing StatementEnd"
    assert not buf.strip(), f"unfinished SQL (missing semicolon?): {buf[:80]!r}"
    return stmts["up"], stmts["down"], use_tx


def _goose(d: str) -> list[ReadRevision]:
    got: dict[int, ReadRevision] = {}
    for name in os.listdir(d):
        if not name.endswith(".sql"):
            continue
        before, sep, _ = name.partition("_")
        assert sep and before.isdigit() and int(before) >= 1, f"bad goose name {name}"
        assert re.fullmatch(r"\d{14}_[a-z0-9_]+\.sql", name), name
        assert int(before) not in got, f"goose: duplicate version {before}"
        up, down, tx = goose_parse(_read(os.path.join(d, name)))
        def join(stmts):
            return "".join(s if s.endswith("\n") else s + "\n" for s in stmts)
        got[int(before)] = ReadRevision(name, join(up), join(down) or None, tx)
    return [got[v] for v in sorted(got)]


def _sqlx(d: str) -> list[ReadRevision]:
    got: dict[int, dict[str, tuple[str, bool]]] = {}
    for name in os.listdir(d):
        parts = name.split("_", 1)
        if len(parts) != 2 or not parts[1].endswith(".sql") or \
                not os.path.isfile(os.path.join(d, name)):
            continue
        assert re.fullmatch(r"[+-]?\d+", parts[0]), f"sqlx: no integer version: {name}"
        assert re.fullmatch(r"\d{14}_[a-z0-9_]+\.(up|down)\.sql", name), name
        kind = "up" if name.endswith(".up.sql") else "down" if name.endswith(".down.sql") \
            else "simple"
        text = _read(os.path.join(d, name))
        no_tx = text.startswith("-- no-transaction")
        if no_tx:
            text = text[len("-- no-transaction\n"):]
        v = int(parts[0])
        assert kind not in got.get(v, {}), f"sqlx: duplicate {kind} version {v}"
        got.setdefault(v, {})[kind] = (text, not no_tx)
    out = []
    for v in sorted(got):
        f = got[v]
        up, tx = f["up"]
        if "down" in f:
            assert f["down"][1] == tx, f"sqlx {v}: up and down differ in -- no-transaction"
        out.append(ReadRevision(str(v), up, f["down"][0] if "down" in f else None, tx))
    return out


# pg/PostgreSQLParser.detectCanExecuteInTransaction (PostgreSQL 12 and later)
_FLYWAY_NONTX = re.compile(r"^((CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)|ALTER SYSTEM"
                           r"|(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY"
                           r"|REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)|VACUUM|DISCARD ALL)")


def _flyway_version(v: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.split(r"\.(?=\d)", v.replace("_", "."))]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _flyway(d: str) -> list[ReadRevision]:
    got: dict[tuple, dict[str, str]] = {}
    for name in os.listdir(d):
        if not name.upper().endswith(".SQL") or name[:1] not in "VU":
            continue
        assert re.fullmatch(r"[VU][1-9]\d*__[a-z0-9_]+\.sql", name), name
        version, sep, _desc = name[1:-4].partition("__")
        assert sep and version, f"flyway: bad name {name}"
        key = _flyway_version(version)
        assert name[0] not in got.get(key, {}), f"Found more than one migration with " \
            f"version {version}"
        got.setdefault(key, {})[name[0]] = name
    out = []
    for key in sorted(got):
        f = got[key]
        assert "V" in f, f"flyway {key}: undo without a versioned migration"
        up = _read(os.path.join(d, f["V"]))
        stmts = [s.strip() for s in up.split(";\n") if s.strip()]
        tx = not all(_FLYWAY_NONTX.match(" ".join(s.split()).upper()) for s in stmts)
        out.append(ReadRevision(f["V"], up, _read(os.path.join(d, f["U"])) if "U" in f
                                else None, tx))
    return out


def _prisma(d: str) -> list[ReadRevision]:
    lock = _read(os.path.join(d, "migration_lock.toml"))
    prov = next(x for x in lock.splitlines() if x.startswith("provider"))
    assert prov.removeprefix("provider = ").strip('"') == "postgresql", prov
    names = sorted(n for n in os.listdir(d) if os.path.isdir(os.path.join(d, n)))
    out = []
    for name in names:
        # localeCompare equals byte order here: names differ in their fixed-width digits
        assert re.fullmatch(r"\d{14}_[a-z0-9_]+", name) and len(name) <= 200, name
        assert set(os.listdir(os.path.join(d, name))) == {"migration.sql"}, name
        out.append(ReadRevision(name, _read(os.path.join(d, name, "migration.sql")), None,
                                None))
    assert len({n[:14] for n in names}) == len(names), "prisma: duplicate timestamps"
    return out


READERS = {"strata": read_strata_dir, "diesel": _diesel, "golang-migrate": _golang_migrate,
           "dbmate": _dbmate, "goose": _goose, "sqlx": _sqlx, "flyway": _flyway,
           "prisma": _prisma}


def _tree(d: str) -> dict[str, bytes]:
    out = {}
    for root, _dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def check_layout(revs: list[Revision], layout: str, d: str) -> dict:
    """Read `d` back as the tool would and compare with the strata layout of the same
    revisions (written next to it): order, up text, down text, transactional. Returns counts."""
    ref_dir = d + ".strata-ref"
    write_strata(revs, ref_dir)
    ref = read_strata_dir(ref_dir)
    shutil.rmtree(ref_dir)
    got = READERS[layout](d)
    assert len(got) == len(ref) == len(revs), f"{layout}: {len(got)} migrations, " \
        f"expected {len(revs)}"
    nontx = 0
    for i, (g, s, r) in enumerate(zip(got, ref, revs)):
        where = f"{layout} revision {i} ({g.name})"
        assert s.up == sql_text(r.up), f"strata layout {i}: up text"
        assert g.up == s.up, f"{where}: up text differs from the strata layout's"
        if layout != "prisma":
            want_down = s.down if r.down else None
            assert g.down == want_down, f"{where}: down text differs from the strata layout's"
        if g.transactional is not None:
            assert g.transactional == s.transactional == r.transactional, \
                f"{where}: transactional {g.transactional}, strata says {s.transactional}"
        elif not r.transactional:
            # no marker (golang-migrate, prisma): the file is one simple query, so a
            # non-transactional revision must be a single statement
            assert len(r.up) == 1 and len(r.down) <= 1, f"{where}: non-transactional " \
                "revision with several statements in a one-query layout"
        nontx += not r.transactional
    return {"migrations": len(got), "non_transactional": nontx,
            "files": len(_tree(d))}


def selfcheck(n: int = 50, seed: int = DEFAULT_SEED) -> int:
    """Generate n revisions in every layout (and n_big = max(n, 150), which holds
    non-transactional revisions for seed 1) and check them: each tool's naming rules, the same
    up (and down) text as the strata layout once the tool's markers are stripped, the
    transaction markers, determinism (same seed: same bytes) and the prefix property."""
    import tempfile
    big = max(n, 150)
    tmp = tempfile.mkdtemp(prefix="strata-layouts-")
    try:
        revs_big = generate(big, seed)
        revs = generate(n, seed)
        assert [render_strata(r) for r in revs] == [render_strata(r) for r in revs_big[:n]]
        for layout in LAYOUTS:
            trees = []
            for tag, rs in (("a", revs), ("b", generate(n, seed)), ("big", revs_big)):
                proj = os.path.join(tmp, f"{layout}-{tag}")
                write_project(rs, proj, layout)
                mig = os.path.join(proj, "migrations")
                counts = check_layout(rs, layout, mig)
                trees.append(_tree(proj))
                if tag == "big":
                    print(f"  {layout:<15} n={len(rs):<4} {counts['files']:>4} files, "
                          f"{counts['non_transactional']} non-transactional: ok")
                else:
                    assert 'format = "%s"' % layout in _read(os.path.join(proj, "strata.toml"))
            a, b2, bigt = trees
            assert a == b2, f"{layout}: two generations with seed {seed} differ"
            # a shorter history is a prefix of a longer one, file for file
            assert all(bigt.get(k) == v for k, v in a.items()), f"{layout}: not a prefix"
            # rewriting the directory in place (over another layout) leaves no strays
            mig = os.path.join(tmp, f"{layout}-a", "migrations")
            write_layout(revs, mig, "diesel" if layout != "diesel" else "goose")
            write_layout(revs, mig, layout)
            assert _tree(mig) == {k.removeprefix("migrations/"): v for k, v in a.items()
                                  if k.startswith("migrations/")}, f"{layout}: rewrite"
        # a revision without a down: no down file anywhere (dbmate: an empty down block)
        r0 = revs[0]
        irr = Revision(r0.index, r0.id, r0.down_id, r0.message, r0.created, r0.kind,
                       list(r0.up), [], r0.transactional)
        for layout in LAYOUTS:
            files = render_layout(irr, layout)
            assert not any(re.search(r"down\.sql$|^U\d", f) for f in files), (layout, files)
        assert "+goose Down" not in "".join(render_layout(irr, "goose").values())
        assert "".join(render_layout(irr, "dbmate").values()).endswith("-- migrate:down\n")
        nt = sum(not r.transactional for r in revs_big)
        if nt == 0:
            print(f"  warning: no non-transactional revision in the first {big} of seed "
                  f"{seed}: the transaction markers were not exercised")
        print(f"selfcheck ok: {len(LAYOUTS)} layouts, n={n} (deterministic, prefix of "
              f"n={big}), {nt} non-transactional revisions checked")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Alembic rendering
# ---------------------------------------------------------------------------------------------

ALEMBIC_INI = """\
# Alembic project generated by bench/gen_history.py (benchmark input, not product code).
[alembic]
script_location = %(here)s
prepend_sys_path = .
# the URL comes from `-x url=...`, BENCH_DATABASE_URL or DATABASE_URL (see env.py)
sqlalchemy.url =

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %%(levelname)-5.5s [%%(name)s] %%(message)s
datefmt = %%H:%%M:%%S
"""

# The start of every env.py the benchmarks write (this one and bench.py's pytest-alembic one):
# imports, logging, and the database URL from `-x url=...`, BENCH_DATABASE_URL, DATABASE_URL or
# alembic.ini.
ALEMBIC_ENV_PROLOGUE = '''\
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

x_args = context.get_x_argument(as_dictionary=True)


def database_url() -> str:
    url = (x_args.get("url") or os.environ.get("BENCH_DATABASE_URL")
           or os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url"))
    if not url:
        raise SystemExit("no database URL: pass -x url=... or set DATABASE_URL")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg2://" + url[len(prefix):]
    return url
'''

ALEMBIC_ENV = '''\
"""Alembic environment for the strata benchmark history.

Database URL: `alembic -x url=postgresql:///db?host=/sock&user=postgres ...`, else the
BENCH_DATABASE_URL or DATABASE_URL environment variable, else sqlalchemy.url in alembic.ini.
`-x txn=per` runs one transaction per migration (Alembic's default is one for the whole run).
"""
''' + ALEMBIC_ENV_PROLOGUE + '''

def run_migrations_offline() -> None:
    context.configure(url=database_url(), literal_binds=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection,
                          transaction_per_migration=x_args.get("txn") == "per")
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

ALEMBIC_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""
from alembic import op
import sqlalchemy as sa

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''

# text() treats ":name" as a bind parameter (same pattern as sqlalchemy.sql.elements.TextClause)
_BIND = re.compile(r"(?<![:\w\\]):(?=\w)")


def py_sql(sql: str) -> str:
    """A Python literal for op.execute(sa.text(...)): colons that text() would read as bind
    parameters are escaped as '\\:'; '%' needs nothing (the compiler doubles it for psycopg2)."""
    s = _BIND.sub(r"\\:", sql)
    s = s.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if s.endswith('"'):
        s = s[:-1] + '\\"'
    return '"""' + s + '"""'


def render_alembic(r: Revision) -> str:
    def body(stmts: list[str]) -> str:
        if not stmts:
            return "    pass\n"
        ind = "    " if r.transactional else "        "
        out = "" if r.transactional else "    with op.get_context().autocommit_block():\n"
        for s in stmts:
            lit = py_sql(s).replace("\n", "\n")
            out += f"{ind}op.execute(sa.text({lit}))\n"
        return out

    created = r.created.replace("T", " ").rstrip("Z")
    return (f'"""{r.message}\n\nRevision ID: {r.id}\nRevises: {r.down_id or ""}\n'
            f'Create Date: {created}\n"""\n'
            "from alembic import op\nimport sqlalchemy as sa\n\n"
            f"revision = {r.id!r}\ndown_revision = {r.down_id!r}\n"
            "branch_labels = None\ndepends_on = None\n\n\n"
            f"def upgrade() -> None:\n{body(r.up)}\n\n"
            f"def downgrade() -> None:\n{body(r.down)}")


def write_alembic(revs: list[Revision], out: str) -> None:
    os.makedirs(out, exist_ok=True)
    versions = os.path.join(out, "versions")
    if os.path.isdir(versions):
        shutil.rmtree(versions)
    os.makedirs(versions)
    for name, text in (("alembic.ini", ALEMBIC_INI), ("env.py", ALEMBIC_ENV),
                       ("script.py.mako", ALEMBIC_MAKO)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)
    for r in revs:
        with open(os.path.join(versions, f"{r.id}_{r.slug}.py"), "w", encoding="utf-8") as f:
            f.write(render_alembic(r))


# ---------------------------------------------------------------------------------------------
# Wide schema (reflection benchmarks)
# ---------------------------------------------------------------------------------------------


def generate_wide(seed: int = DEFAULT_SEED, tables: int = 1000, groups: int = 20) -> list[
        Revision]:
    """A wide schema: `tables` tables with ~11 columns each, indexes, FKs, checks, uniques,
    in `groups` revisions (one CREATE per table, indexes after)."""
    rng = random.Random(seed * 7919 + 17)
    m = Model(rng)
    revs: list[Revision] = []
    per = tables // groups
    made: list[Table] = []
    base = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc)
    prev = None
    for g in range(groups):
        up, down = [], []
        for j in range(per):
            i = g * per + j
            name = m.take(f"w{i:04d}_{BASE_NOUNS[i % len(BASE_NOUNS)]}")
            t = Table(name=name, pk=Column("id", "bigint", "identity", identity=True),
                      label=Column("name", "text", "label", notnull=True), columns=[])
            t.columns = [t.pk, t.label]
            lines = ["id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "name text NOT NULL"]
            fks = []
            if made and rng.random() < 0.88:
                p = made[rng.randrange(max(0, len(made) - 200), len(made))]
                c = Column(f"{singular(p.name.split('_', 1)[1])}_id", "bigint", "fkid", fk=p)
                if t.col(c.name) is None:
                    t.columns.append(c)
                    lines.append(coldef(c))
                    fks.append(c)
            for _ in range(rng.randint(5, 9)):
                role = m.weighted(TABLE_ROLES)
                c = new_column(m, t, role, True, False)
                t.columns.append(c)
                chk = ROLES[role][3]
                if chk and rng.random() < 0.12:
                    lines.append(coldef(c, chk.format(c=c.name)))
                else:
                    lines.append(coldef(c))
            lines.append("created_at timestamptz NOT NULL DEFAULT now()")
            if rng.random() < 0.14:
                lines.append(f"CONSTRAINT {ident(name + '_name_key')} UNIQUE (name)")
            up.append(f"CREATE TABLE {name} (\n    " + ",\n    ".join(lines) + "\n);")
            cols = index_candidates(t)
            for c in fks:
                up.append(f"CREATE INDEX {ident(f'ix_{name}_{c.name}')} ON {name} ({c.name});")
            for c in rng.sample(cols, min(len(cols), rng.randint(0, 1))):
                if c.fk is None:
                    up.append(f"CREATE INDEX {ident(f'ix_{name}_{c.name}')} ON {name} "
                              f"({c.name});")
            made.append(t)
            down.insert(0, f"DROP TABLE {name};")
        rid = rev_id(seed + 1000003, g)
        created = (base + timedelta(hours=g)).strftime("%Y-%m-%dT%H:%M:%SZ")
        revs.append(Revision(g, rid, prev, f"wide schema part {g + 1} of {groups}", created,
                             "wide", up, down))
        prev = rid
    return revs


def write_wide(out: str, seed: int = DEFAULT_SEED) -> list[Revision]:
    revs = generate_wide(seed)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "wide.sql"), "w", encoding="utf-8") as f:
        f.write("-- wide schema for reflection benchmarks (bench/gen_history.py --wide)\n")
        for r in revs:
            f.write("\n".join(r.up) + "\n")
    with open(os.path.join(out, "wide_down.sql"), "w", encoding="utf-8") as f:
        for r in reversed(revs):
            f.write("\n".join(r.down) + "\n")
    write_strata(revs, os.path.join(out, "migrations"))
    return revs


# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------


def summary(revs: list[Revision]) -> dict:
    kinds: dict[str, int] = {}
    for r in revs:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    classes: dict[str, int] = {}
    for r in revs:
        for s in r.up:
            key = " ".join(s.split()[:2]).upper()
            classes[key] = classes.get(key, 0) + 1
    return {
        "revisions": len(revs),
        "up_statements": sum(len(r.up) for r in revs),
        "down_statements": sum(len(r.down) for r in revs),
        "non_transactional": sum(not r.transactional for r in revs),
        "kinds": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "up_statement_classes": dict(sorted(classes.items(), key=lambda kv: -kv[1])),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", help="directory for the revision files (in --layout)")
    ap.add_argument("-n", "--revisions", type=int, default=None,
                    help="revisions to generate (default 100; --selfcheck: 50)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--alembic", metavar="DIR", help="also write an Alembic project to DIR")
    ap.add_argument("--wide", metavar="DIR", help="write the wide schema (wide.sql) to DIR")
    ap.add_argument("--stats", action="store_true", help="print a summary")
    ap.add_argument("--volatile", action="store_true",
                    help="seed rows take now() and gen_random_uuid() values, as real ones do")
    ap.add_argument("--layout", default="strata", choices=LAYOUTS,
                    help="write OUT (and --project) in this tool's layout (default strata)")
    ap.add_argument("--project", metavar="DIR",
                    help="write a strata project: DIR/strata.toml (format = LAYOUT, migrations "
                    "= \"migrations\", archive = \"archive\"), DIR/migrations in --layout, "
                    "and an empty DIR/archive")
    ap.add_argument("--selfcheck", action="store_true",
                    help="generate -n revisions (default 50) in every layout in a temporary "
                    "directory and check names, texts, markers and determinism")
    a = ap.parse_args(argv)
    if a.selfcheck:
        return selfcheck(a.revisions or 50, a.seed)
    if a.revisions is None:
        a.revisions = 100
    if not (a.out or a.alembic or a.wide or a.stats or a.project):
        ap.error("nothing to do: give OUT, --project, --alembic, --wide, --stats or --selfcheck")
    if a.wide:
        revs = write_wide(a.wide, a.seed)
        print(f"wide: {sum(len(r.up) for r in revs)} statements in {a.wide}/wide.sql")
    if a.out or a.alembic or a.stats or a.project:
        revs = generate(a.revisions, a.seed, a.volatile)
        if a.out:
            if a.layout == "strata":
                write_strata(revs, a.out)
            else:
                write_layout(revs, a.out, a.layout)
        if a.project:
            write_project(revs, a.project, a.layout)
        if a.alembic:
            write_alembic(revs, a.alembic)
        if a.stats:
            import json
            print(json.dumps(summary(revs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
