-- revision: b0a86a67a3c6
-- down_revision: none
-- message: squash of 36 revisions (80842b98b74e … 7cbf4f14507a)
-- created: 2026-11-22T03:53:41Z
-- replaces: 80842b98b74e, 62927ac16b3a, 2ec268333482, 624d01f35633, b03190966116, 58b6bd99c8a7, 616baa089771, c3dfa193d0e1, 212a9042d255, 613b7c30a1d4, 249f475ea23b, 5d46a2d18bfd, f07156730ff6, b6df39a5e8d4, 4ebbadadedb3, 6e47d89e6a71, 5b3de2ebd749, 6ca8e9c99ce3, 2f0a0ccf5dd0, 99a96ff373d3, 914a0db3e202, 6cb324ef1b2d, 777c68b476ba, 595870281c5c, 7c341642ec96, 1c98434e0e39, 932c85ed9051, ef0dcdcb20fb, e5ddd46fc58e, de1d23c081ef, 891852cac813, 99bd10fad697, 200f70ceea6b, 4aa6fa59522c, 88129895d2f1, 7cbf4f14507a
-- archive: example-history-2026-11.tar.gz

-- migrate:up
--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: reporting; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA reporting;

--
-- Name: SCHEMA reporting; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA reporting IS 'Read models for dashboards and exports.';

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';

--
-- Name: email; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.email AS public.citext
	CONSTRAINT email_format CHECK ((VALUE OPERATOR(public.~) '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::public.citext))
	CONSTRAINT email_length CHECK ((length((VALUE)::text) <= 254));

--
-- Name: DOMAIN email; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON DOMAIN public.email IS 'Case-insensitive e-mail address with a basic syntax check.';

--
-- Name: order_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.order_status AS ENUM (
    'pending',
    'paid',
    'shipped',
    'refunded',
    'cancelled'
);

--
-- Name: TYPE order_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TYPE public.order_status IS 'Lifecycle of an order.';

--
-- Name: subscription_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.subscription_status AS ENUM (
    'trialing',
    'active',
    'past_due',
    'canceled'
);

--
-- Name: audit_row_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_row_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_old jsonb;
    v_new jsonb;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        v_old := to_jsonb(OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        v_new := to_jsonb(NEW);
    END IF;
    IF TG_OP = 'UPDATE' AND v_old = v_new THEN
        RETURN NULL;  -- nothing changed; keep the log quiet
    END IF;
    INSERT INTO audit_log (table_name, operation, row_pk, old_row, new_row, actor)
    VALUES (TG_TABLE_NAME,
            TG_OP,
            coalesce(v_new ->> 'id', v_old ->> 'id')::bigint,
            v_old,
            v_new,
            coalesce(nullif(current_setting('app.actor', true), ''), session_user));
    RETURN NULL;
END;
$$;

--
-- Name: refresh_order_total(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refresh_order_total() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_order_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        v_order_id := OLD.order_id;
    ELSE
        v_order_id := NEW.order_id;
    END IF;

    UPDATE orders AS o
       SET total_cents = coalesce((SELECT sum(i.line_total_cents)
                                     FROM order_items AS i
                                    WHERE i.order_id = v_order_id), 0)
     WHERE o.id = v_order_id;

    -- An item moved to another order: the old order changes too.
    IF TG_OP = 'UPDATE' AND OLD.order_id <> NEW.order_id THEN
        UPDATE orders AS o
           SET total_cents = coalesce((SELECT sum(i.line_total_cents)
                                         FROM order_items AS i
                                        WHERE i.order_id = OLD.order_id), 0)
         WHERE o.id = OLD.order_id;
    END IF;

    RETURN NULL;
END;
$$;

--
-- Name: set_updated_at(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

--
-- Name: FUNCTION set_updated_at(); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.set_updated_at() IS 'BEFORE UPDATE trigger: sets updated_at to now() when the row changed.';

SET default_table_access_method = heap;

--
-- Name: addresses; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.addresses (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    country_code character(2) NOT NULL,
    line1 text NOT NULL,
    line2 text,
    city text NOT NULL,
    region text,
    postal_code text,
    is_default boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: addresses_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.addresses ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.addresses_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: api_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_keys (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id bigint NOT NULL,
    name text NOT NULL,
    prefix character(8) NOT NULL,
    key_hash bytea NOT NULL,
    created_by bigint,
    last_used_at timestamp with time zone,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT api_keys_expiry_check CHECK (((expires_at IS NULL) OR (expires_at > created_at)))
);

--
-- Name: COLUMN api_keys.prefix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.api_keys.prefix IS 'First 8 characters of the key, shown in the UI; the key itself is only stored hashed.';

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    table_name text NOT NULL,
    operation text NOT NULL,
    row_pk bigint,
    old_row jsonb,
    new_row jsonb,
    actor text NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT audit_log_operation_check CHECK ((operation = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text])))
);

--
-- Name: TABLE audit_log; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.audit_log IS 'Append-only history of changes to audited tables, written by audit_row_change().';

--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: billing_accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_accounts (
    organization_id bigint NOT NULL,
    billing_email public.email NOT NULL,
    tax_id text,
    country_code character(2),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: countries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.countries (
    code character(2) NOT NULL,
    name text NOT NULL,
    currency_code character(3) NOT NULL,
    CONSTRAINT countries_code_check CHECK ((code ~ '^[A-Z]{2}$'::text))
);

--
-- Name: TABLE countries; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.countries IS 'Lookup: ISO 3166-1 alpha-2 countries we ship to.';

--
-- Name: currencies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.currencies (
    code character(3) NOT NULL,
    name text NOT NULL,
    minor_units smallint DEFAULT 2 NOT NULL,
    CONSTRAINT currencies_code_check CHECK ((code ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT currencies_minor_units_check CHECK (((minor_units >= 0) AND (minor_units <= 4)))
);

--
-- Name: TABLE currencies; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.currencies IS 'Lookup: ISO 4217 currencies we can charge in.';

--
-- Name: COLUMN currencies.minor_units; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.currencies.minor_units IS 'Digits after the decimal point (JPY: 0).';

--
-- Name: invoice_number_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_number_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: invoices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoices (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    subscription_id bigint,
    number text DEFAULT ('INV-'::text || lpad((nextval('public.invoice_number_seq'::regclass))::text, 8, '0'::text)) NOT NULL,
    status text DEFAULT 'draft'::text NOT NULL,
    amount_due_cents bigint NOT NULL,
    currency_code character(3) NOT NULL,
    due_on date,
    issued_at timestamp with time zone,
    paid_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT invoices_amount_due_cents_check CHECK ((amount_due_cents >= 0)),
    CONSTRAINT invoices_paid_at_check CHECK (((status = 'paid'::text) = (paid_at IS NOT NULL))),
    CONSTRAINT invoices_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'open'::text, 'paid'::text, 'void'::text, 'uncollectible'::text])))
);

--
-- Name: TABLE invoices; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.invoices IS 'Invoices for subscriptions and manual charges.';

--
-- Name: COLUMN invoices.number; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.invoices.number IS 'INV-00000042; never reused, even for void invoices.';

--
-- Name: invoices_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.invoices ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.invoices_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: memberships; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.memberships (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    user_id bigint NOT NULL,
    role_code text DEFAULT 'member'::text NOT NULL,
    invited_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: memberships_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.memberships ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.memberships_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: order_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.order_items (
    id bigint NOT NULL,
    order_id bigint NOT NULL,
    product_id bigint NOT NULL,
    quantity integer NOT NULL,
    unit_price_cents bigint NOT NULL,
    line_total_cents bigint GENERATED ALWAYS AS ((quantity * unit_price_cents)) STORED,
    CONSTRAINT order_items_quantity_check CHECK ((quantity > 0)),
    CONSTRAINT order_items_unit_price_cents_check CHECK ((unit_price_cents >= 0))
);

--
-- Name: COLUMN order_items.line_total_cents; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.order_items.line_total_cents IS 'quantity * unit_price_cents, computed by PostgreSQL.';

--
-- Name: order_items_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.order_items ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.order_items_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: order_number_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.order_number_seq
    START WITH 100001
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: order_summaries; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.order_summaries AS
SELECT
    NULL::bigint AS id,
    NULL::bigint AS number,
    NULL::bigint AS organization_id,
    NULL::bigint AS customer_id,
    NULL::public.order_status AS status,
    NULL::character(3) AS currency_code,
    NULL::bigint AS total_cents,
    NULL::bigint AS item_count,
    NULL::bigint AS unit_count,
    NULL::timestamp with time zone AS placed_at,
    NULL::timestamp with time zone AS created_at;

--
-- Name: VIEW order_summaries; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.order_summaries IS 'One row per order with item counts; used by the dashboard.';

--
-- Name: orders; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orders (
    id bigint NOT NULL,
    number bigint DEFAULT nextval('public.order_number_seq'::regclass) NOT NULL,
    organization_id bigint NOT NULL,
    customer_id bigint,
    status public.order_status DEFAULT 'pending'::public.order_status NOT NULL,
    currency_code character(3) NOT NULL,
    placed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    total_cents bigint DEFAULT 0 NOT NULL,
    shipping_address_id bigint,
    CONSTRAINT orders_placed_at_required CHECK (((status = ANY (ARRAY['pending'::public.order_status, 'cancelled'::public.order_status])) OR (placed_at IS NOT NULL))),
    CONSTRAINT orders_total_nonnegative CHECK ((total_cents >= 0))
);

--
-- Name: COLUMN orders.number; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.orders.number IS 'Human-facing order number, taken from order_number_seq.';

--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: organizations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organizations (
    id bigint NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    slug text NOT NULL,
    CONSTRAINT organizations_name_not_blank CHECK ((length(btrim(name)) > 0)),
    CONSTRAINT organizations_slug_format CHECK ((slug ~ '^[a-z0-9][a-z0-9-]*$'::text))
);

--
-- Name: TABLE organizations; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.organizations IS 'Tenants. Every catalog, order and subscription belongs to exactly one organization.';

--
-- Name: COLUMN organizations.slug; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.organizations.slug IS 'URL name: https://app.example.com/<slug>/...';

--
-- Name: organizations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.organizations ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.organizations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: payments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments (
    id bigint NOT NULL,
    order_id bigint NOT NULL,
    amount_cents bigint NOT NULL,
    currency_code character(3) NOT NULL,
    provider text NOT NULL,
    provider_ref text,
    status text DEFAULT 'pending'::text NOT NULL,
    failure_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT payments_amount_cents_check CHECK ((amount_cents > 0)),
    CONSTRAINT payments_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'succeeded'::text, 'failed'::text])))
);

--
-- Name: TABLE payments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.payments IS 'Money received for orders, one row per attempt at the payment provider.';

--
-- Name: COLUMN payments.provider_ref; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.payments.provider_ref IS 'The id of the charge at the provider (Stripe: ch_...).';

--
-- Name: payments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.payments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: plans; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.plans (
    code text NOT NULL,
    name text NOT NULL,
    monthly_price_cents bigint NOT NULL,
    currency_code character(3) DEFAULT 'USD'::bpchar NOT NULL,
    max_seats integer,
    is_public boolean DEFAULT true NOT NULL,
    sort_order smallint DEFAULT 0 NOT NULL,
    CONSTRAINT plans_code_check CHECK ((code ~ '^[a-z][a-z0-9_]*$'::text)),
    CONSTRAINT plans_max_seats_check CHECK (((max_seats IS NULL) OR (max_seats > 0))),
    CONSTRAINT plans_monthly_price_cents_check CHECK ((monthly_price_cents >= 0))
);

--
-- Name: TABLE plans; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.plans IS 'Lookup: what organizations can subscribe to.';

--
-- Name: COLUMN plans.max_seats; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.plans.max_seats IS 'NULL means unlimited.';

--
-- Name: prices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.prices (
    id bigint NOT NULL,
    product_id bigint NOT NULL,
    currency_code character(3) NOT NULL,
    unit_amount_cents bigint NOT NULL,
    billing_interval text,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT prices_billing_interval_check CHECK ((billing_interval = ANY (ARRAY['month'::text, 'year'::text]))),
    CONSTRAINT prices_unit_amount_cents_check CHECK ((unit_amount_cents >= 0))
);

--
-- Name: COLUMN prices.billing_interval; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.prices.billing_interval IS 'month or year for recurring prices; NULL for one-time prices.';

--
-- Name: prices_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.prices ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.prices_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: products; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.products (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    sku text NOT NULL,
    title text NOT NULL,
    description text,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT products_sku_check CHECK ((sku ~ '^[A-Za-z0-9._-]{1,64}$'::text))
);

--
-- Name: TABLE products; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.products IS 'Catalog items sold by an organization.';

--
-- Name: products_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.products ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.products_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: refunds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.refunds (
    id bigint NOT NULL,
    payment_id bigint NOT NULL,
    amount_cents bigint NOT NULL,
    reason text DEFAULT 'requested_by_customer'::text NOT NULL,
    note text,
    created_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT refunds_amount_cents_check CHECK ((amount_cents > 0)),
    CONSTRAINT refunds_reason_check CHECK ((reason = ANY (ARRAY['requested_by_customer'::text, 'duplicate'::text, 'fraudulent'::text, 'other'::text])))
);

--
-- Name: TABLE refunds; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.refunds IS 'Money returned for a payment; several partial refunds are allowed.';

--
-- Name: refunds_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.refunds ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.refunds_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: roles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.roles (
    code text NOT NULL,
    name text NOT NULL,
    rank smallint NOT NULL,
    description text,
    CONSTRAINT roles_code_check CHECK ((code ~ '^[a-z_]+$'::text))
);

--
-- Name: TABLE roles; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.roles IS 'Lookup: membership roles, ordered by rank (lower is more powerful).';

--
-- Name: subscriptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscriptions (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    plan_code text NOT NULL,
    status public.subscription_status DEFAULT 'trialing'::public.subscription_status NOT NULL,
    seats integer DEFAULT 1 NOT NULL,
    current_period_start timestamp with time zone DEFAULT now() NOT NULL,
    current_period_end timestamp with time zone NOT NULL,
    canceled_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT subscriptions_period_check CHECK ((current_period_end > current_period_start)),
    CONSTRAINT subscriptions_seats_check CHECK ((seats > 0))
);

--
-- Name: TABLE subscriptions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.subscriptions IS 'What an organization pays us for. At most one live subscription per organization.';

--
-- Name: subscriptions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.subscriptions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.subscriptions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    email public.email NOT NULL,
    display_name text NOT NULL,
    password_hash text,
    is_staff boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_login_at timestamp with time zone,
    deleted_at timestamp with time zone,
    CONSTRAINT users_full_name_check CHECK ((length(btrim(display_name)) > 0))
);

--
-- Name: TABLE users; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.users IS 'People who can sign in. One user can belong to many organizations.';

--
-- Name: COLUMN users.password_hash; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.users.password_hash IS 'argon2id hash; NULL for SSO-only accounts.';

--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: daily_revenue; Type: MATERIALIZED VIEW; Schema: reporting; Owner: -
--

CREATE MATERIALIZED VIEW reporting.daily_revenue AS
 SELECT ((p.created_at AT TIME ZONE 'UTC'::text))::date AS day,
    o.organization_id,
    p.currency_code,
    sum(p.amount_cents) AS gross_cents,
    count(*) AS payment_count
   FROM (public.payments p
     JOIN public.orders o ON ((o.id = p.order_id)))
  WHERE (p.status = 'succeeded'::text)
  GROUP BY (((p.created_at AT TIME ZONE 'UTC'::text))::date), o.organization_id, p.currency_code
  WITH NO DATA;

--
-- Data for Name: addresses; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: api_keys; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: billing_accounts; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: countries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.countries (code, name, currency_code) VALUES
	('US', 'United States', 'USD'),
	('CA', 'Canada', 'CAD'),
	('GB', 'United Kingdom', 'GBP'),
	('IE', 'Ireland', 'EUR'),
	('DE', 'Germany', 'EUR'),
	('FR', 'France', 'EUR'),
	('NL', 'Netherlands', 'EUR'),
	('ES', 'Spain', 'EUR'),
	('IT', 'Italy', 'EUR'),
	('CH', 'Switzerland', 'CHF'),
	('JP', 'Japan', 'JPY'),
	('SE', 'Sweden', 'SEK'),
	('NO', 'Norway', 'NOK'),
	('DK', 'Denmark', 'DKK'),
	('FI', 'Finland', 'EUR'),
	('AU', 'Australia', 'AUD'),
	('NZ', 'New Zealand', 'NZD');

--
-- Data for Name: currencies; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.currencies (code, name, minor_units) VALUES
	('USD', 'US Dollar', 2),
	('EUR', 'Euro', 2),
	('GBP', 'Pound Sterling', 2),
	('JPY', 'Yen', 0),
	('CHF', 'Swiss Franc', 2),
	('CAD', 'Canadian Dollar', 2),
	('SEK', 'Swedish Krona', 2),
	('NOK', 'Norwegian Krone', 2),
	('DKK', 'Danish Krone', 2),
	('AUD', 'Australian Dollar', 2),
	('NZD', 'New Zealand Dollar', 2);

--
-- Data for Name: invoices; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: memberships; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: order_items; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: orders; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: organizations; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: payments; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: plans; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.plans (code, name, monthly_price_cents, currency_code, max_seats, is_public, sort_order) VALUES
	('free', 'Free', 0, 'USD', 3, true, 10),
	('starter', 'Starter', 2900, 'USD', 10, true, 20),
	('pro', 'Pro', 9900, 'USD', 25, true, 30),
	('enterprise', 'Enterprise', 0, 'USD', NULL, false, 40);

--
-- Data for Name: prices; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: products; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: refunds; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: roles; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.roles (code, name, rank, description) VALUES
	('owner', 'Owner', 10, 'Full access, including billing and deleting the organization'),
	('admin', 'Administrator', 20, 'Manages members, catalog and orders'),
	('member', 'Member', 30, 'Works with the catalog and orders'),
	('billing', 'Billing contact', 40, 'Sees invoices and payment methods only');

--
-- Data for Name: subscriptions; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

--
-- Name: addresses_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.addresses_id_seq', 1, false);

--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 1, false);

--
-- Name: invoice_number_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.invoice_number_seq', 1, false);

--
-- Name: invoices_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.invoices_id_seq', 1, false);

--
-- Name: memberships_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.memberships_id_seq', 1, false);

--
-- Name: order_items_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.order_items_id_seq', 1, false);

--
-- Name: order_number_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.order_number_seq', 100001, false);

--
-- Name: orders_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.orders_id_seq', 1, false);

--
-- Name: organizations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.organizations_id_seq', 1, false);

--
-- Name: payments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_id_seq', 1, false);

--
-- Name: prices_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.prices_id_seq', 1, false);

--
-- Name: products_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.products_id_seq', 1, false);

--
-- Name: refunds_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.refunds_id_seq', 1, false);

--
-- Name: subscriptions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.subscriptions_id_seq', 1, false);

--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 1, false);

--
-- Name: addresses addresses_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.addresses
    ADD CONSTRAINT addresses_pkey PRIMARY KEY (id);

--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id);

--
-- Name: api_keys api_keys_prefix_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_prefix_key UNIQUE (prefix);

--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

--
-- Name: billing_accounts billing_accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_accounts
    ADD CONSTRAINT billing_accounts_pkey PRIMARY KEY (organization_id);

--
-- Name: countries countries_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.countries
    ADD CONSTRAINT countries_name_key UNIQUE (name);

--
-- Name: countries countries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.countries
    ADD CONSTRAINT countries_pkey PRIMARY KEY (code);

--
-- Name: currencies currencies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.currencies
    ADD CONSTRAINT currencies_pkey PRIMARY KEY (code);

--
-- Name: invoices invoices_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_number_key UNIQUE (number);

--
-- Name: invoices invoices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_pkey PRIMARY KEY (id);

--
-- Name: memberships memberships_org_user_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_org_user_key UNIQUE (organization_id, user_id);

--
-- Name: memberships memberships_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (id);

--
-- Name: order_items order_items_order_product_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_order_product_key UNIQUE (order_id, product_id);

--
-- Name: order_items order_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_pkey PRIMARY KEY (id);

--
-- Name: orders orders_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_number_key UNIQUE (number);

--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);

--
-- Name: organizations organizations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);

--
-- Name: payments payments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);

--
-- Name: payments payments_provider_ref_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_provider_ref_key UNIQUE (provider, provider_ref);

--
-- Name: plans plans_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_pkey PRIMARY KEY (code);

--
-- Name: prices prices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prices
    ADD CONSTRAINT prices_pkey PRIMARY KEY (id);

--
-- Name: products products_org_sku_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_org_sku_key UNIQUE (organization_id, sku);

--
-- Name: products products_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (id);

--
-- Name: refunds refunds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.refunds
    ADD CONSTRAINT refunds_pkey PRIMARY KEY (id);

--
-- Name: roles roles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roles
    ADD CONSTRAINT roles_pkey PRIMARY KEY (code);

--
-- Name: roles roles_rank_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roles
    ADD CONSTRAINT roles_rank_key UNIQUE (rank);

--
-- Name: subscriptions subscriptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriptions
    ADD CONSTRAINT subscriptions_pkey PRIMARY KEY (id);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- Name: ix_api_keys_org_live; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_api_keys_org_live ON public.api_keys USING btree (organization_id) WHERE (revoked_at IS NULL);

--
-- Name: ix_audit_log_changed_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_changed_at ON public.audit_log USING brin (changed_at);

--
-- Name: ix_audit_log_table_row; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_table_row ON public.audit_log USING btree (table_name, row_pk);

--
-- Name: ix_invoices_open_due_on; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_invoices_open_due_on ON public.invoices USING btree (due_on) WHERE (status = 'open'::text);

--
-- Name: ix_invoices_org_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_invoices_org_created ON public.invoices USING btree (organization_id, created_at DESC);

--
-- Name: ix_memberships_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_memberships_user_id ON public.memberships USING btree (user_id);

--
-- Name: ix_orders_customer_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_orders_customer_id ON public.orders USING btree (customer_id);

--
-- Name: ix_orders_org_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_orders_org_created ON public.orders USING btree (organization_id, created_at DESC);

--
-- Name: ix_orders_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_orders_status ON public.orders USING btree (status);

--
-- Name: ix_payments_order_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_payments_order_id ON public.payments USING btree (order_id);

--
-- Name: ix_products_org_active; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_products_org_active ON public.products USING btree (organization_id) WHERE is_active;

--
-- Name: ix_products_title_trgm; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_products_title_trgm ON public.products USING gin (title public.gin_trgm_ops);

--
-- Name: ix_refunds_payment_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_refunds_payment_id ON public.refunds USING btree (payment_id);

--
-- Name: ix_users_last_login_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_users_last_login_at ON public.users USING btree (last_login_at);

--
-- Name: ux_addresses_one_default; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_addresses_one_default ON public.addresses USING btree (user_id) WHERE is_default;

--
-- Name: ux_organizations_slug; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_organizations_slug ON public.organizations USING btree (lower(slug));

--
-- Name: ux_prices_one_active; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_prices_one_active ON public.prices USING btree (product_id, currency_code, COALESCE(billing_interval, 'once'::text)) WHERE is_active;

--
-- Name: ux_subscriptions_one_live; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_subscriptions_one_live ON public.subscriptions USING btree (organization_id) WHERE (status <> 'canceled'::public.subscription_status);

--
-- Name: ux_users_email_live; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_users_email_live ON public.users USING btree (email) WHERE (deleted_at IS NULL);

--
-- Name: ix_daily_revenue_org_day; Type: INDEX; Schema: reporting; Owner: -
--

CREATE INDEX ix_daily_revenue_org_day ON reporting.daily_revenue USING btree (organization_id, day);

--
-- Name: ux_daily_revenue_key; Type: INDEX; Schema: reporting; Owner: -
--

CREATE UNIQUE INDEX ux_daily_revenue_key ON reporting.daily_revenue USING btree (day, organization_id, currency_code);

--
-- Name: order_summaries _RETURN; Type: RULE; Schema: public; Owner: -
--

CREATE OR REPLACE VIEW public.order_summaries AS
 SELECT o.id,
    o.number,
    o.organization_id,
    o.customer_id,
    o.status,
    o.currency_code,
    o.total_cents,
    count(i.id) AS item_count,
    COALESCE(sum(i.quantity), (0)::bigint) AS unit_count,
    o.placed_at,
    o.created_at
   FROM (public.orders o
     LEFT JOIN public.order_items i ON ((i.order_id = o.id)))
  GROUP BY o.id;

--
-- Name: billing_accounts trg_billing_accounts_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_billing_accounts_updated_at BEFORE UPDATE ON public.billing_accounts FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: invoices trg_invoices_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_invoices_audit AFTER INSERT OR DELETE OR UPDATE ON public.invoices FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();

--
-- Name: memberships trg_memberships_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_memberships_audit AFTER INSERT OR DELETE OR UPDATE ON public.memberships FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();

--
-- Name: order_items trg_order_items_refresh_total; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_order_items_refresh_total AFTER INSERT OR DELETE OR UPDATE ON public.order_items FOR EACH ROW EXECUTE FUNCTION public.refresh_order_total();

--
-- Name: orders trg_orders_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_orders_audit AFTER INSERT OR DELETE OR UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();

--
-- Name: orders trg_orders_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_orders_updated_at BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: organizations trg_organizations_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_organizations_updated_at BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: payments trg_payments_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_payments_audit AFTER INSERT OR DELETE OR UPDATE ON public.payments FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();

--
-- Name: products trg_products_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_products_updated_at BEFORE UPDATE ON public.products FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: refunds trg_refunds_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_refunds_audit AFTER INSERT OR DELETE OR UPDATE ON public.refunds FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();

--
-- Name: subscriptions trg_subscriptions_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_subscriptions_audit AFTER INSERT OR DELETE OR UPDATE ON public.subscriptions FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();

--
-- Name: subscriptions trg_subscriptions_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_subscriptions_updated_at BEFORE UPDATE ON public.subscriptions FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: users trg_users_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: addresses addresses_country_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.addresses
    ADD CONSTRAINT addresses_country_code_fkey FOREIGN KEY (country_code) REFERENCES public.countries(code) ON UPDATE CASCADE;

--
-- Name: addresses addresses_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.addresses
    ADD CONSTRAINT addresses_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: api_keys api_keys_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: api_keys api_keys_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

--
-- Name: billing_accounts billing_accounts_country_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_accounts
    ADD CONSTRAINT billing_accounts_country_code_fkey FOREIGN KEY (country_code) REFERENCES public.countries(code) ON UPDATE CASCADE;

--
-- Name: billing_accounts billing_accounts_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_accounts
    ADD CONSTRAINT billing_accounts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

--
-- Name: countries countries_currency_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.countries
    ADD CONSTRAINT countries_currency_code_fkey FOREIGN KEY (currency_code) REFERENCES public.currencies(code) ON UPDATE CASCADE ON DELETE RESTRICT;

--
-- Name: invoices invoices_currency_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_currency_code_fkey FOREIGN KEY (currency_code) REFERENCES public.currencies(code) ON UPDATE CASCADE;

--
-- Name: invoices invoices_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

--
-- Name: invoices invoices_subscription_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES public.subscriptions(id) ON DELETE SET NULL;

--
-- Name: memberships memberships_invited_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: memberships memberships_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

--
-- Name: memberships memberships_role_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_role_code_fkey FOREIGN KEY (role_code) REFERENCES public.roles(code) ON UPDATE CASCADE ON DELETE RESTRICT;

--
-- Name: memberships memberships_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: order_items order_items_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE CASCADE;

--
-- Name: order_items order_items_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.products(id) ON DELETE RESTRICT;

--
-- Name: orders orders_currency_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_currency_code_fkey FOREIGN KEY (currency_code) REFERENCES public.currencies(code) ON UPDATE CASCADE;

--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: orders orders_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE RESTRICT;

--
-- Name: orders orders_shipping_address_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_shipping_address_id_fkey FOREIGN KEY (shipping_address_id) REFERENCES public.addresses(id) ON DELETE SET NULL;

--
-- Name: payments payments_currency_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_currency_code_fkey FOREIGN KEY (currency_code) REFERENCES public.currencies(code) ON UPDATE CASCADE;

--
-- Name: payments payments_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE RESTRICT;

--
-- Name: plans plans_currency_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_currency_code_fkey FOREIGN KEY (currency_code) REFERENCES public.currencies(code) ON UPDATE CASCADE;

--
-- Name: prices prices_currency_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prices
    ADD CONSTRAINT prices_currency_code_fkey FOREIGN KEY (currency_code) REFERENCES public.currencies(code) ON UPDATE CASCADE;

--
-- Name: prices prices_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prices
    ADD CONSTRAINT prices_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.products(id) ON DELETE CASCADE;

--
-- Name: products products_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

--
-- Name: refunds refunds_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.refunds
    ADD CONSTRAINT refunds_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: refunds refunds_payment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.refunds
    ADD CONSTRAINT refunds_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES public.payments(id) ON DELETE RESTRICT;

--
-- Name: subscriptions subscriptions_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriptions
    ADD CONSTRAINT subscriptions_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

--
-- Name: subscriptions subscriptions_plan_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriptions
    ADD CONSTRAINT subscriptions_plan_code_fkey FOREIGN KEY (plan_code) REFERENCES public.plans(code) ON UPDATE CASCADE ON DELETE RESTRICT;

--
-- Name: daily_revenue; Type: MATERIALIZED VIEW DATA; Schema: reporting; Owner: -
--

REFRESH MATERIALIZED VIEW reporting.daily_revenue;

--
-- PostgreSQL database dump complete
--

-- migrate:down
DROP VIEW IF EXISTS public.order_summaries CASCADE;
DROP TABLE IF EXISTS public.addresses CASCADE;
DROP TABLE IF EXISTS public.api_keys CASCADE;
DROP TABLE IF EXISTS public.audit_log CASCADE;
DROP TABLE IF EXISTS public.billing_accounts CASCADE;
DROP TABLE IF EXISTS public.countries CASCADE;
DROP TABLE IF EXISTS public.currencies CASCADE;
DROP TABLE IF EXISTS public.invoices CASCADE;
DROP TABLE IF EXISTS public.memberships CASCADE;
DROP TABLE IF EXISTS public.order_items CASCADE;
DROP TABLE IF EXISTS public.orders CASCADE;
DROP TABLE IF EXISTS public.organizations CASCADE;
DROP TABLE IF EXISTS public.payments CASCADE;
DROP TABLE IF EXISTS public.plans CASCADE;
DROP TABLE IF EXISTS public.prices CASCADE;
DROP TABLE IF EXISTS public.products CASCADE;
DROP TABLE IF EXISTS public.refunds CASCADE;
DROP TABLE IF EXISTS public.roles CASCADE;
DROP TABLE IF EXISTS public.subscriptions CASCADE;
DROP TABLE IF EXISTS public.users CASCADE;
DROP SEQUENCE IF EXISTS public.invoice_number_seq CASCADE;
DROP SEQUENCE IF EXISTS public.order_number_seq CASCADE;
DROP FUNCTION IF EXISTS public.audit_row_change() CASCADE;
DROP FUNCTION IF EXISTS public.refresh_order_total() CASCADE;
DROP FUNCTION IF EXISTS public.set_updated_at() CASCADE;
DROP DOMAIN IF EXISTS public.email CASCADE;
DROP TYPE IF EXISTS public.order_status CASCADE;
DROP TYPE IF EXISTS public.subscription_status CASCADE;
DROP SCHEMA IF EXISTS reporting CASCADE;
DROP EXTENSION IF EXISTS citext CASCADE;
DROP EXTENSION IF EXISTS pg_trgm CASCADE;
