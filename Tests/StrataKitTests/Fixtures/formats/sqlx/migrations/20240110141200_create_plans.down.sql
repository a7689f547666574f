ALTER TABLE orgs DROP COLUMN plan_code;
DROP TABLE plans;
