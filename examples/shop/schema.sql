-- examples/shop/schema.sql: a small e-commerce automation schema, after the
-- runbook this example comes from (payments arrive as orders, print
-- providers fulfil them, what fails lands in a manual queue, everything logs,
-- and every cent spent is recorded). Plain SQL, schema "shop"; apply it with
--   psql "$DATABASE_URL" -f examples/shop/schema.sql
-- It is idempotent only in the sense that it refuses to run twice: drop
-- schema shop cascade to start again.

create schema shop;

-- Orders, one per successful checkout (Stripe / Shopify webhook).
create table shop.orders (
  id             bigint generated always as identity primary key,
  external_id    text unique,
  customer_email text,
  status         text not null default 'paid'
                 check (status in ('pending', 'paid', 'submitted', 'fulfilled', 'shipped', 'cancelled', 'refunded', 'failed')),
  amount         numeric(12, 2) not null check (amount >= 0),
  currency       text not null default 'USD',
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now()
);
create index orders_created_at on shop.orders (created_at);
comment on table shop.orders is 'One row per checkout. The "payment flow stopped" check watches created_at.';

-- One row per call to a print provider (submit, status poll, cancel).
create table shop.fulfillment_events (
  id                  bigint generated always as identity primary key,
  order_id            bigint references shop.orders (id),
  provider            text not null,              -- 'printful', 'printify', ...
  event_type          text not null default 'submit',
  status              text not null check (status in ('submitted', 'accepted', 'failed', 'timeout')),
  error               text,
  response_time_ms    integer check (response_time_ms >= 0),
  cost_cents          integer,
  shipping_cost_cents integer,
  created_at          timestamptz not null default now()
);
create index fulfillment_events_created_at on shop.fulfillment_events (created_at);
create index fulfillment_events_provider_created_at on shop.fulfillment_events (provider, created_at);
comment on table shop.fulfillment_events is 'Calls to print providers with their latency; the provider p95 check reads response_time_ms per provider.';

-- Work a person must do by hand: failed submissions, address problems.
create type shop.queue_priority as enum ('low', 'normal', 'high', 'urgent');
create table shop.manual_queue (
  id          bigint generated always as identity primary key,
  order_id    bigint references shop.orders (id),
  reason      text not null,
  priority    shop.queue_priority not null default 'normal',
  status      text not null default 'pending' check (status in ('pending', 'in_progress', 'resolved')),
  created_at  timestamptz not null default now(),
  resolved_at timestamptz
);
create index manual_queue_pending on shop.manual_queue (priority, created_at) where status = 'pending';
comment on table shop.manual_queue is 'Items waiting for a person; the queue checks watch its depth and its oldest urgent item.';

-- Application log lines worth keeping in the database.
create table shop.system_logs (
  id         bigint generated always as identity primary key,
  level      text not null check (level in ('debug', 'info', 'warning', 'error', 'critical')),
  source     text,
  message    text not null,
  order_id   bigint,
  created_at timestamptz not null default now()
);
create index system_logs_created_at on shop.system_logs (created_at);
comment on table shop.system_logs is 'Application log; the error-rate check reads level over the last minutes.';

-- Money spent: provider charges, shipping, API and infrastructure bills.
create table shop.costs (
  id          bigint generated always as identity primary key,
  category    text not null check (category in ('fulfillment', 'shipping', 'api', 'infrastructure', 'other')),
  amount      numeric(12, 2) not null,
  description text,
  incurred_at timestamptz not null default now()
);
create index costs_incurred_at on shop.costs (incurred_at);
comment on table shop.costs is 'Costs as they are incurred; the daily cost check sums amount per New York day.';
