-- revision: c3dfa193d0e1
-- down_revision: 616baa089771
-- message: create the order_status enum
-- created: 2024-04-18T10:12:00Z

-- migrate:up
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');

COMMENT ON TYPE order_status IS 'Lifecycle of an order.';

-- migrate:down
DROP TYPE order_status;
