DROP TABLE orders;
DROP SEQUENCE order_number_seq;
