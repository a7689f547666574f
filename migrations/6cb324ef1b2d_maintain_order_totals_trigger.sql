-- revision: 6cb324ef1b2d
-- down_revision: 914a0db3e202
-- message: keep orders.total_cents in step with order items
-- created: 2024-12-09T14:14:00Z

-- migrate:up
CREATE FUNCTION refresh_order_total() RETURNS trigger
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

CREATE TRIGGER trg_order_items_refresh_total
    AFTER INSERT OR UPDATE OR DELETE ON order_items
    FOR EACH ROW EXECUTE FUNCTION refresh_order_total();

-- migrate:down
DROP TRIGGER trg_order_items_refresh_total ON order_items;
DROP FUNCTION refresh_order_total();
