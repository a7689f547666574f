CASE WHEN @classid@ = 'pg_class'::regclass THEN {{recorder_relation: @objid@; false}}
     WHEN @classid@ = 0 THEN {{recorder_rows: @objid@}}
     ELSE information_schema.strata_stairway_fp(@classid@, @objid@) END
