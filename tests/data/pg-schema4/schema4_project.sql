-- A schema-4 PostgreSQL reading project (release c40d32e), made by make_schema4_project.py
-- Roles
CREATE ROLE "recist_reluth_schema4_dbe68d_adjudicator" NOLOGIN;
CREATE ROLE "recist_reluth_schema4_dbe68d_administrator" NOLOGIN;
CREATE ROLE "recist_reluth_schema4_dbe68d_member" NOLOGIN;
CREATE ROLE "recist_reluth_schema4_dbe68d_owner" NOLOGIN CREATEROLE;
CREATE ROLE "recist_reluth_schema4_dbe68d_reader" NOLOGIN;
CREATE ROLE "ada" LOGIN PASSWORD 'SCRAM-SHA-256$4096:2RZgqX0vQjWxbKJpryo8Bg==$0rt45Q01SkRBlzs0X3DvDB0wb/IWArpoCaUic/t2G2g=:v7YhffqAEllSs4FnAZQw9NStXWx7cWQQUML5afFPMQw=';
CREATE ROLE "alice" LOGIN PASSWORD 'SCRAM-SHA-256$4096:21gzQuN3KMG4hBg3me8TSg==$feWyD3uOGCFLSWb0b+By7ZhEcJiMomYUYf5HzoA6j1k=:GVbS4zGJj0asqvpC9hLM2axcurwLefEf5534b0XRDcA=';
CREATE ROLE "bob" LOGIN PASSWORD 'SCRAM-SHA-256$4096:cgyE/EFEIalEk2V1fPnSyQ==$UhV2krBvS6UagoxnHa8w8ChD51WMupU/6sGaXYbkOqI=:Bv0K46udfcsWvJqOtygVimvzM8rIXXvyVTemwLtWVEg=';
CREATE ROLE "carol" LOGIN PASSWORD 'SCRAM-SHA-256$4096:+iK6F/8ADX3SVahV37QO3g==$pJIXKufmArDWwOarOSV3+hXy4SeoIOO4VMsN9ItDjBQ=:W4qTMqYrJVjpCVx3++OOMx3P9VfrKe+vgTZVDfgkwg8=';
GRANT "recist_reluth_schema4_dbe68d_adjudicator" TO "carol";
GRANT "recist_reluth_schema4_dbe68d_administrator" TO "ada";
GRANT "recist_reluth_schema4_dbe68d_member" TO "ada";
GRANT "recist_reluth_schema4_dbe68d_member" TO "alice";
GRANT "recist_reluth_schema4_dbe68d_member" TO "bob";
GRANT "recist_reluth_schema4_dbe68d_member" TO "carol";
GRANT "recist_reluth_schema4_dbe68d_reader" TO "alice";
GRANT "recist_reluth_schema4_dbe68d_reader" TO "bob";
GRANT "recist_reluth_schema4_dbe68d_owner" TO CURRENT_USER;
-- pg_dump of database reluth_schema4
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

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
-- Name: recist; Type: SCHEMA; Schema: -; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE SCHEMA recist;


ALTER SCHEMA recist OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: adjudicable(text); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.adjudicable(p_case text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'recist', 'pg_temp'
    AS $$
            SELECT (is_role('adjudicator') OR is_role('administrator'))
                   AND count(*) >= 2 FROM (
              SELECT s.reader FROM signature s
              WHERE s.case_id = p_case
                AND s.change_id = (SELECT max(x.change_id) FROM signature x WHERE x.case_id =
                    s.case_id AND x.reader = s.reader AND x.timepoint = s.timepoint)
                AND s.change_id > coalesce((SELECT max(r.change_id) FROM reread r WHERE
                    r.case_id = s.case_id AND r.reader = s.reader AND r.timepoint =
                    s.timepoint), 0)
              GROUP BY s.reader
              HAVING count(DISTINCT s.timepoint) =
                     (SELECT count(*) FROM timepoint t WHERE t.case_id = p_case)) complete $$;


ALTER FUNCTION recist.adjudicable(p_case text) OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: append_audit(text, text, text, bigint, text, text, text, text, text, text, text); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.append_audit(p_actor text, p_action text, p_at text, p_change_id bigint, p_case_id text, p_reader text, p_timepoint text, p_lesion_id text, p_reason text, p_before text, p_after text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'recist', 'pg_temp'
    AS $$
            DECLARE
              v_seq bigint; v_prev text; v_content text; v_hash text;
            BEGIN
              IF p_actor IS DISTINCT FROM session_user::text THEN
                RAISE EXCEPTION 'an audit record is appended by its actor only: % is signed '
                  'in, not %', session_user, p_actor USING ERRCODE = '42501';
              END IF;
              v_seq := lock_audit_chain();
              -- the record's time is the server's, never the client's (p_at is ignored)
              p_at := to_char(clock_timestamp() AT TIME ZONE 'UTC',
                              'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
              v_prev := coalesce((SELECT hash FROM audit_record WHERE seq = v_seq - 1),
                                 repeat('0', 64));
              v_content := '{"action":' || j(p_action) || ',"actor":' || j(p_actor)
                || ',"after":' || j(p_after) || ',"at":' || j(p_at)
                || ',"before":' || j(p_before) || ',"case_id":' || j(p_case_id)
                || ',"change_id":' || coalesce(p_change_id::text, 'null')
                || ',"lesion_id":' || j(p_lesion_id) || ',"prev_hash":' || j(v_prev)
                || ',"reader":' || j(p_reader) || ',"reason":' || j(p_reason)
                || ',"seq":' || v_seq || ',"timepoint":' || j(p_timepoint) || '}';
              v_hash := encode(sha256(convert_to(v_content, 'UTF8')), 'hex');
              INSERT INTO audit_record (seq, at, actor, action, change_id, case_id, reader,
                  timepoint, lesion_id, reason, before, after, prev_hash, hash, seal)
                VALUES (v_seq, p_at, p_actor, p_action, p_change_id, p_case_id, p_reader,
                  p_timepoint, p_lesion_id, p_reason, p_before, p_after, v_prev, v_hash, NULL);
              RETURN v_seq;
            END $$;


ALTER FUNCTION recist.append_audit(p_actor text, p_action text, p_at text, p_change_id bigint, p_case_id text, p_reader text, p_timepoint text, p_lesion_id text, p_reason text, p_before text, p_after text) OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: create_login(text, text, text); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.create_login(p_name text, p_role text, p_verifier text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'recist', 'pg_temp'
    AS $_$
            BEGIN
              IF NOT (is_role('administrator')
                      OR pg_has_role(session_user, 'recist_reluth_schema4_dbe68d_owner', 'MEMBER')) THEN
                RAISE EXCEPTION 'only the study administrator adds users' USING ERRCODE = '42501';
              END IF;
              IF p_role NOT IN ('reader', 'adjudicator', 'administrator') THEN
                RAISE EXCEPTION 'no role %', p_role USING ERRCODE = '22023';
              END IF;
              IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
                RAISE EXCEPTION 'a SCRAM-SHA-256 verifier, never a password'
                  USING ERRCODE = '22023';
              END IF;
              IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
                RAISE EXCEPTION 'a role named % exists already on this PostgreSQL server: '
                  'choose another user name', p_name USING ERRCODE = '42710';
              END IF;
              EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I, %I', p_name,
                             p_verifier, 'recist_reluth_schema4_dbe68d' || '_' || p_role, 'recist_reluth_schema4_dbe68d_member');
            END $_$;


ALTER FUNCTION recist.create_login(p_name text, p_role text, p_verifier text) OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: is_role(text); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.is_role(p_role text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'recist', 'pg_temp'
    AS $$
            SELECT pg_has_role(session_user, 'recist_reluth_schema4_dbe68d' || '_' || p_role, 'MEMBER') $$;


ALTER FUNCTION recist.is_role(p_role text) OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: j(text); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.j(p text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'recist', 'pg_temp'
    AS $$
            SELECT coalesce(to_json(p)::text, 'null') $$;


ALTER FUNCTION recist.j(p text) OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: lock_audit_chain(); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.lock_audit_chain() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'recist', 'pg_temp'
    AS $$
            BEGIN
              IF NOT (pg_has_role(session_user, 'recist_reluth_schema4_dbe68d_member', 'MEMBER')
                      OR pg_has_role(session_user, 'recist_reluth_schema4_dbe68d_owner', 'MEMBER')) THEN
                RAISE EXCEPTION '% is not a user of this reading project', session_user
                  USING ERRCODE = '42501';
              END IF;
              PERFORM pg_advisory_xact_lock(hashtext('recist-review audit chain'));
              RETURN coalesce((SELECT max(seq) FROM audit_record), 0) + 1;
            END $$;


ALTER FUNCTION recist.lock_audit_chain() OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: notify_reads(); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.notify_reads() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
            BEGIN
              -- no payload: any role of the database may LISTEN to any channel
              PERFORM pg_notify('recist_reads', '');
              RETURN NULL;
            END $$;


ALTER FUNCTION recist.notify_reads() OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: project_login(text); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.project_login(p_name text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'recist', 'pg_temp'
    AS $$
            SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_name AND NOT r.rolsuper
                           AND pg_has_role(r.oid, 'recist_reluth_schema4_dbe68d_member', 'MEMBER')
                           AND NOT pg_has_role(r.oid, 'recist_reluth_schema4_dbe68d_owner', 'MEMBER')) $$;


ALTER FUNCTION recist.project_login(p_name text) OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: refuse_change(); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
            BEGIN
              RAISE EXCEPTION '% is append-only: add a new version, never change or delete a '
                'recorded row', TG_TABLE_NAME USING ERRCODE = '42501';
            END $$;


ALTER FUNCTION recist.refuse_change() OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: reset_login(text, text); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.reset_login(p_name text, p_verifier text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'recist', 'pg_temp'
    AS $_$
            BEGIN
              IF NOT is_role('administrator') OR p_name = session_user
                 OR NOT project_login(p_name) THEN
                RAISE EXCEPTION 'only the study administrator resets another user''s password'
                  USING ERRCODE = '42501';
              END IF;
              IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
                RAISE EXCEPTION 'a SCRAM-SHA-256 verifier, never a password'
                  USING ERRCODE = '22023';
              END IF;
              EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', p_name, p_verifier);
            END $_$;


ALTER FUNCTION recist.reset_login(p_name text, p_verifier text) OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: role_of(text); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.role_of(p_name text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'recist', 'pg_temp'
    AS $$
            SELECT role FROM app_user WHERE name = p_name ORDER BY audit_seq DESC LIMIT 1 $$;


ALTER FUNCTION recist.role_of(p_name text) OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: set_login(text, boolean); Type: FUNCTION; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE FUNCTION recist.set_login(p_name text, p_login boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'recist', 'pg_temp'
    AS $$
            BEGIN
              IF NOT project_login(p_name) THEN
                RAISE EXCEPTION '% is not a user of this project', p_name
                  USING ERRCODE = '42501';
              END IF;
              IF NOT (is_role('administrator') OR (p_name = session_user AND NOT p_login)) THEN
                RAISE EXCEPTION 'only the study administrator unlocks an account'
                  USING ERRCODE = '42501';
              END IF;
              EXECUTE format('ALTER ROLE %I %s', p_name,
                             CASE WHEN p_login THEN 'LOGIN' ELSE 'NOLOGIN' END);
            END $$;


ALTER FUNCTION recist.set_login(p_name text, p_login boolean) OWNER TO recist_reluth_schema4_dbe68d_owner;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: account_event; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.account_event (
    audit_seq bigint NOT NULL,
    name text NOT NULL COLLATE pg_catalog."C",
    event text NOT NULL COLLATE pg_catalog."C",
    failures bigint NOT NULL,
    locked bigint NOT NULL,
    CONSTRAINT account_event_event_check CHECK ((event = ANY (ARRAY['failed'::text, 'succeeded'::text, 'unlocked'::text]))),
    CONSTRAINT account_event_failures_check CHECK ((failures >= 0)),
    CONSTRAINT account_event_locked_check CHECK ((locked = ANY (ARRAY[(0)::bigint, (1)::bigint]))),
    CONSTRAINT account_event_name_check CHECK ((name <> ''::text))
);


ALTER TABLE recist.account_event OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: account_setting; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.account_setting (
    audit_seq bigint NOT NULL,
    name text NOT NULL COLLATE pg_catalog."C",
    value text NOT NULL COLLATE pg_catalog."C"
);


ALTER TABLE recist.account_setting OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: adjudication; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.adjudication (
    audit_seq bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    chosen_reader text NOT NULL COLLATE pg_catalog."C",
    other_reader text NOT NULL COLLATE pg_catalog."C",
    reason text NOT NULL COLLATE pg_catalog."C",
    triggers text NOT NULL COLLATE pg_catalog."C",
    chosen_read text NOT NULL COLLATE pg_catalog."C",
    other_read text NOT NULL COLLATE pg_catalog."C",
    signed_by text NOT NULL COLLATE pg_catalog."C",
    signed_at text NOT NULL COLLATE pg_catalog."C",
    meaning text NOT NULL COLLATE pg_catalog."C",
    CONSTRAINT adjudication_reason_check CHECK ((reason <> ''::text))
);


ALTER TABLE recist.adjudication OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: adjudication_setting; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.adjudication_setting (
    audit_seq bigint NOT NULL,
    name text NOT NULL COLLATE pg_catalog."C",
    value text NOT NULL COLLATE pg_catalog."C"
);


ALTER TABLE recist.adjudication_setting OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: app_user; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.app_user (
    audit_seq bigint NOT NULL,
    name text NOT NULL COLLATE pg_catalog."C",
    role text NOT NULL COLLATE pg_catalog."C",
    password_hash text NOT NULL COLLATE pg_catalog."C",
    active bigint NOT NULL,
    must_change bigint,
    CONSTRAINT app_user_active_check CHECK ((active = ANY (ARRAY[(0)::bigint, (1)::bigint]))),
    CONSTRAINT app_user_must_change_check CHECK ((must_change = ANY (ARRAY[(0)::bigint, (1)::bigint]))),
    CONSTRAINT app_user_name_check CHECK ((name <> ''::text)),
    CONSTRAINT app_user_role_check CHECK ((role = ANY (ARRAY['reader'::text, 'adjudicator'::text, 'administrator'::text])))
);


ALTER TABLE recist.app_user OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: audit_record; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.audit_record (
    seq bigint NOT NULL,
    at text NOT NULL COLLATE pg_catalog."C",
    actor text NOT NULL COLLATE pg_catalog."C",
    action text NOT NULL COLLATE pg_catalog."C",
    change_id bigint,
    case_id text COLLATE pg_catalog."C",
    reader text COLLATE pg_catalog."C",
    timepoint text COLLATE pg_catalog."C",
    lesion_id text COLLATE pg_catalog."C",
    reason text NOT NULL COLLATE pg_catalog."C",
    before text NOT NULL COLLATE pg_catalog."C",
    after text NOT NULL COLLATE pg_catalog."C",
    prev_hash text NOT NULL COLLATE pg_catalog."C",
    hash text NOT NULL COLLATE pg_catalog."C",
    seal text COLLATE pg_catalog."C",
    CONSTRAINT audit_record_actor_check CHECK ((actor <> ''::text))
);


ALTER TABLE recist.audit_record OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: axis_measurement; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.axis_measurement (
    change_id bigint NOT NULL,
    fragment_position bigint NOT NULL,
    fragment text NOT NULL COLLATE pg_catalog."C",
    axis text NOT NULL COLLATE pg_catalog."C",
    slice_index bigint NOT NULL,
    sop_instance_uid text NOT NULL COLLATE pg_catalog."C",
    start_row double precision NOT NULL,
    start_col double precision NOT NULL,
    end_row double precision NOT NULL,
    end_col double precision NOT NULL,
    row_spacing_mm double precision NOT NULL,
    col_spacing_mm double precision NOT NULL,
    length_mm text NOT NULL COLLATE pg_catalog."C",
    measured_by text NOT NULL COLLATE pg_catalog."C",
    measured_at text NOT NULL COLLATE pg_catalog."C",
    series_uid text COLLATE pg_catalog."C",
    slice_thickness_mm text COLLATE pg_catalog."C",
    CONSTRAINT axis_measurement_axis_check CHECK ((axis = ANY (ARRAY['long'::text, 'short'::text]))),
    CONSTRAINT axis_measurement_col_spacing_mm_check CHECK ((col_spacing_mm > (0)::double precision)),
    CONSTRAINT axis_measurement_row_spacing_mm_check CHECK ((row_spacing_mm > (0)::double precision))
);


ALTER TABLE recist.axis_measurement OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: change_log; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.change_log (
    change_id bigint NOT NULL,
    kind text NOT NULL COLLATE pg_catalog."C",
    actor text NOT NULL COLLATE pg_catalog."C",
    at text NOT NULL COLLATE pg_catalog."C",
    case_id text NOT NULL COLLATE pg_catalog."C",
    reader text COLLATE pg_catalog."C",
    timepoint text COLLATE pg_catalog."C",
    lesion_id text COLLATE pg_catalog."C",
    reason text DEFAULT ''::text NOT NULL COLLATE pg_catalog."C",
    CONSTRAINT change_log_actor_check CHECK ((actor <> ''::text))
);


ALTER TABLE recist.change_log OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: change_log_change_id_seq; Type: SEQUENCE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.change_log ALTER COLUMN change_id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME recist.change_log_change_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: image_file; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.image_file (
    change_id bigint NOT NULL,
    path text NOT NULL COLLATE pg_catalog."C",
    sha256 text NOT NULL COLLATE pg_catalog."C",
    size bigint NOT NULL,
    CONSTRAINT image_file_size_check CHECK ((size >= 0))
);


ALTER TABLE recist.image_file OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: image_update; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.image_update (
    audit_seq bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    timepoint text NOT NULL COLLATE pg_catalog."C",
    path text NOT NULL COLLATE pg_catalog."C",
    sha256 text NOT NULL COLLATE pg_catalog."C",
    size bigint NOT NULL,
    CONSTRAINT image_update_size_check CHECK ((size >= 0))
);


ALTER TABLE recist.image_update OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: lesion_version; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.lesion_version (
    change_id bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    reader text NOT NULL COLLATE pg_catalog."C",
    lesion_id text NOT NULL COLLATE pg_catalog."C",
    category text NOT NULL COLLATE pg_catalog."C",
    organ text NOT NULL COLLATE pg_catalog."C",
    detail text NOT NULL COLLATE pg_catalog."C",
    is_node bigint NOT NULL,
    retired bigint NOT NULL,
    CONSTRAINT lesion_version_category_check CHECK ((category = ANY (ARRAY['TARGET'::text, 'NON-TARGET'::text, 'NEW'::text]))),
    CONSTRAINT lesion_version_is_node_check CHECK ((is_node = ANY (ARRAY[(0)::bigint, (1)::bigint]))),
    CONSTRAINT lesion_version_retired_check CHECK ((retired = ANY (ARRAY[(0)::bigint, (1)::bigint])))
);


ALTER TABLE recist.lesion_version OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: observation_version; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.observation_version (
    change_id bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    reader text NOT NULL COLLATE pg_catalog."C",
    timepoint text NOT NULL COLLATE pg_catalog."C",
    lesion_id text NOT NULL COLLATE pg_catalog."C",
    state text NOT NULL COLLATE pg_catalog."C",
    reason text NOT NULL COLLATE pg_catalog."C",
    recorded_by text NOT NULL COLLATE pg_catalog."C",
    recorded_at text NOT NULL COLLATE pg_catalog."C"
);


ALTER TABLE recist.observation_version OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: project_info; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.project_info (
    key text NOT NULL COLLATE pg_catalog."C",
    value text NOT NULL COLLATE pg_catalog."C"
);


ALTER TABLE recist.project_info OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: reread; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.reread (
    change_id bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    reader text NOT NULL COLLATE pg_catalog."C",
    timepoint text NOT NULL COLLATE pg_catalog."C"
);


ALTER TABLE recist.reread OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: series_choice; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.series_choice (
    change_id bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    reader text NOT NULL COLLATE pg_catalog."C",
    timepoint text NOT NULL COLLATE pg_catalog."C",
    study_uid text NOT NULL COLLATE pg_catalog."C",
    series_uid text NOT NULL COLLATE pg_catalog."C",
    series_folder text NOT NULL COLLATE pg_catalog."C",
    slice_thickness_mm text COLLATE pg_catalog."C"
);


ALTER TABLE recist.series_choice OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: signature; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.signature (
    change_id bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    reader text NOT NULL COLLATE pg_catalog."C",
    timepoint text NOT NULL COLLATE pg_catalog."C",
    signed_by text NOT NULL COLLATE pg_catalog."C",
    signed_at text NOT NULL COLLATE pg_catalog."C",
    meaning text NOT NULL COLLATE pg_catalog."C"
);


ALTER TABLE recist.signature OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: store_version; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.store_version (
    application_id bigint NOT NULL,
    schema_version integer NOT NULL,
    role_prefix text NOT NULL
);


ALTER TABLE recist.store_version OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: subject; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.subject (
    change_id bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C"
);


ALTER TABLE recist.subject OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: subject_reference; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.subject_reference (
    audit_seq bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    randomization_date text NOT NULL COLLATE pg_catalog."C"
);


ALTER TABLE recist.subject_reference OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Name: timepoint; Type: TABLE; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TABLE recist.timepoint (
    change_id bigint NOT NULL,
    case_id text NOT NULL COLLATE pg_catalog."C",
    label text NOT NULL COLLATE pg_catalog."C",
    scan_date text NOT NULL COLLATE pg_catalog."C",
    study_uid text COLLATE pg_catalog."C",
    series_uid text COLLATE pg_catalog."C",
    series_folder text COLLATE pg_catalog."C",
    slice_thickness_mm text COLLATE pg_catalog."C"
);


ALTER TABLE recist.timepoint OWNER TO recist_reluth_schema4_dbe68d_owner;

--
-- Data for Name: account_event; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--



--
-- Data for Name: account_setting; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--



--
-- Data for Name: adjudication; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--



--
-- Data for Name: adjudication_setting; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--



--
-- Data for Name: app_user; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.app_user (audit_seq, name, role, password_hash, active, must_change) VALUES (2, 'ada', 'administrator', 'postgresql:scram-sha-256', 1, 0);
INSERT INTO recist.app_user (audit_seq, name, role, password_hash, active, must_change) VALUES (3, 'alice', 'reader', 'postgresql:scram-sha-256', 1, 0);
INSERT INTO recist.app_user (audit_seq, name, role, password_hash, active, must_change) VALUES (4, 'bob', 'reader', 'postgresql:scram-sha-256', 1, 0);
INSERT INTO recist.app_user (audit_seq, name, role, password_hash, active, must_change) VALUES (5, 'carol', 'adjudicator', 'postgresql:scram-sha-256', 1, 0);


--
-- Data for Name: audit_record; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (1, '2026-12-06T09:28:41.168278+00:00', 'postgres', 'create-project', NULL, NULL, NULL, NULL, NULL, '', '{}', '{"project_info":[{"key":"created_at","value":"2026-12-06T09:28:41.166299+00:00"},{"key":"created_schema_version","value":"4"},{"key":"project_uid","value":"69bf7428-8f92-4cce-b1ef-1e3772072b02"}]}', '0000000000000000000000000000000000000000000000000000000000000000', 'eaca753e76aaaa33d45321d316d70a47805133f207b09cf6fef445146cb56d5d', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (2, '2026-12-06T09:28:41.176619+00:00', 'postgres', 'add-user', NULL, NULL, NULL, NULL, NULL, 'first study administrator of the project', '{}', '{"app_user":[{"active":1,"audit_seq":2,"must_change":0,"name":"ada","password_hash":"sha256:d674ecbef77022f74cab514b5d58f022c50ed0753cf3eb08be5569ff65abb132","role":"administrator"}]}', 'eaca753e76aaaa33d45321d316d70a47805133f207b09cf6fef445146cb56d5d', 'f95ae169f7e7ac37968c818a8f6c35110fc3b70cf8d6fd10724d18f4e3f8c140', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (3, '2026-12-06T09:28:41.194226+00:00', 'ada', 'add-user', NULL, NULL, NULL, NULL, NULL, '', '{}', '{"app_user":[{"active":1,"audit_seq":3,"must_change":0,"name":"alice","password_hash":"sha256:d674ecbef77022f74cab514b5d58f022c50ed0753cf3eb08be5569ff65abb132","role":"reader"}]}', 'f95ae169f7e7ac37968c818a8f6c35110fc3b70cf8d6fd10724d18f4e3f8c140', 'cb455d37e2e6e0d97f0f7c931a5ce758c6cf67fd85ddaeda84bcd2d29934cb3b', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (4, '2026-12-06T09:28:41.201501+00:00', 'ada', 'add-user', NULL, NULL, NULL, NULL, NULL, '', '{}', '{"app_user":[{"active":1,"audit_seq":4,"must_change":0,"name":"bob","password_hash":"sha256:d674ecbef77022f74cab514b5d58f022c50ed0753cf3eb08be5569ff65abb132","role":"reader"}]}', 'cb455d37e2e6e0d97f0f7c931a5ce758c6cf67fd85ddaeda84bcd2d29934cb3b', '6ad13fc5635cdf8c7df62a66bb92a7740f0902f25558417cae4756d20b4cf10d', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (5, '2026-12-06T09:28:41.207862+00:00', 'ada', 'add-user', NULL, NULL, NULL, NULL, NULL, '', '{}', '{"app_user":[{"active":1,"audit_seq":5,"must_change":0,"name":"carol","password_hash":"sha256:d674ecbef77022f74cab514b5d58f022c50ed0753cf3eb08be5569ff65abb132","role":"adjudicator"}]}', '6ad13fc5635cdf8c7df62a66bb92a7740f0902f25558417cae4756d20b4cf10d', 'cfcbc85c954a15a3bd5fafdbd86f41d6b568bb437a5dae2ee72a02c423913d81', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (6, '2026-12-06T09:28:41.225685+00:00', 'ada', 'add-subject', 1, 'CASE-7', NULL, NULL, NULL, '', '{}', '{"change_log":[{"actor":"ada","at":"2025-01-06T09:00:01+00:00","case_id":"CASE-7","change_id":1,"kind":"add-subject","lesion_id":null,"reader":null,"reason":"","timepoint":null}],"subject":[{"case_id":"CASE-7","change_id":1}]}', 'cfcbc85c954a15a3bd5fafdbd86f41d6b568bb437a5dae2ee72a02c423913d81', '34fdbacf167fc4dd4d951a89d3d259a884cc6237704a84b65ab190a702956acd', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (7, '2026-12-06T09:28:41.230228+00:00', 'ada', 'add-timepoint', 2, 'CASE-7', NULL, 'BASELINE', NULL, '', '{}', '{"change_log":[{"actor":"ada","at":"2025-01-06T09:00:02+00:00","case_id":"CASE-7","change_id":2,"kind":"add-timepoint","lesion_id":null,"reader":null,"reason":"","timepoint":"BASELINE"}],"timepoint":[{"case_id":"CASE-7","change_id":2,"label":"BASELINE","scan_date":"2024-01-08","series_folder":null,"series_uid":null,"slice_thickness_mm":null,"study_uid":null}]}', '34fdbacf167fc4dd4d951a89d3d259a884cc6237704a84b65ab190a702956acd', 'a37d869a1f3f9c4ae12433593bc2b83dc7114bb7cf6593e8e28d0db61dae9313', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (8, '2026-12-06T09:28:41.233373+00:00', 'ada', 'add-timepoint', 3, 'CASE-7', NULL, 'M2', NULL, '', '{}', '{"change_log":[{"actor":"ada","at":"2025-01-06T09:00:03+00:00","case_id":"CASE-7","change_id":3,"kind":"add-timepoint","lesion_id":null,"reader":null,"reason":"","timepoint":"M2"}],"timepoint":[{"case_id":"CASE-7","change_id":3,"label":"M2","scan_date":"2024-03-04","series_folder":null,"series_uid":null,"slice_thickness_mm":null,"study_uid":null}]}', 'a37d869a1f3f9c4ae12433593bc2b83dc7114bb7cf6593e8e28d0db61dae9313', 'd9f78d4cf663addfc259a49539818941fb869a02b4008d0c415d4e679f86732b', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (9, '2026-12-06T09:28:41.251598+00:00', 'alice', 'save-lesion', 4, 'CASE-7', 'alice', NULL, 'T1', '', '{}', '{"change_log":[{"actor":"alice","at":"2025-01-06T09:00:01+00:00","case_id":"CASE-7","change_id":4,"kind":"save-lesion","lesion_id":"T1","reader":"alice","reason":"","timepoint":null}],"lesion_version":[{"case_id":"CASE-7","category":"TARGET","change_id":4,"detail":"alice-secret-detail","is_node":0,"lesion_id":"T1","organ":"liver","reader":"alice","retired":0}]}', 'd9f78d4cf663addfc259a49539818941fb869a02b4008d0c415d4e679f86732b', '6ae34c756fefc6fcf60c3f5d5cd4a61fb8dc08b6f92f62065de49d68ab148900', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (10, '2026-12-06T09:28:41.256028+00:00', 'alice', 'save-lesion', 5, 'CASE-7', 'alice', NULL, 'NT1', '', '{}', '{"change_log":[{"actor":"alice","at":"2025-01-06T09:00:02+00:00","case_id":"CASE-7","change_id":5,"kind":"save-lesion","lesion_id":"NT1","reader":"alice","reason":"","timepoint":null}],"lesion_version":[{"case_id":"CASE-7","category":"NON-TARGET","change_id":5,"detail":"alice-secret-bone","is_node":0,"lesion_id":"NT1","organ":"bone","reader":"alice","retired":0}]}', '6ae34c756fefc6fcf60c3f5d5cd4a61fb8dc08b6f92f62065de49d68ab148900', '7fe1674a4f6889f1a916a0ea0d908bc6fad386e7d0709d29ac6beffb0898623c', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (11, '2026-12-06T09:28:41.260445+00:00', 'alice', 'save-observation', 6, 'CASE-7', 'alice', 'BASELINE', 'T1', '', '{}', '{"axis_measurement":[{"axis":"long","change_id":6,"col_spacing_mm":0.5,"end_col":87.0,"end_row":50.0,"fragment":"","fragment_position":0,"length_mm":"23.5","measured_at":"2025-01-06T09:00:03+00:00","measured_by":"alice","row_spacing_mm":0.5,"series_uid":null,"slice_index":11,"slice_thickness_mm":null,"sop_instance_uid":"1.2.826.0.1.11","start_col":40.0,"start_row":50.0}],"change_log":[{"actor":"alice","at":"2025-01-06T09:00:04+00:00","case_id":"CASE-7","change_id":6,"kind":"save-observation","lesion_id":"T1","reader":"alice","reason":"","timepoint":"BASELINE"}],"observation_version":[{"case_id":"CASE-7","change_id":6,"lesion_id":"T1","reader":"alice","reason":"","recorded_at":"2025-01-06T09:00:04+00:00","recorded_by":"alice","state":"PRESENT","timepoint":"BASELINE"}]}', '7fe1674a4f6889f1a916a0ea0d908bc6fad386e7d0709d29ac6beffb0898623c', 'ba465852ff4b37ad45b8eeb8d18c1adcefbece50e04cf80565db41c2df4bb725', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (12, '2026-12-06T09:28:41.264329+00:00', 'alice', 'save-observation', 7, 'CASE-7', 'alice', 'BASELINE', 'NT1', '', '{}', '{"change_log":[{"actor":"alice","at":"2025-01-06T09:00:05+00:00","case_id":"CASE-7","change_id":7,"kind":"save-observation","lesion_id":"NT1","reader":"alice","reason":"","timepoint":"BASELINE"}],"observation_version":[{"case_id":"CASE-7","change_id":7,"lesion_id":"NT1","reader":"alice","reason":"","recorded_at":"2025-01-06T09:00:05+00:00","recorded_by":"alice","state":"PRESENT","timepoint":"BASELINE"}]}', 'ba465852ff4b37ad45b8eeb8d18c1adcefbece50e04cf80565db41c2df4bb725', '09ab6635fd16b419f379b53a00376ae4b5c716a1d0e09d1dd18ea6a64c15af9a', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (13, '2026-12-06T09:28:41.268143+00:00', 'alice', 'sign-timepoint', 8, 'CASE-7', 'alice', 'BASELINE', NULL, '', '{}', '{"change_log":[{"actor":"alice","at":"2025-01-06T09:00:06+00:00","case_id":"CASE-7","change_id":8,"kind":"sign-timepoint","lesion_id":null,"reader":"alice","reason":"","timepoint":"BASELINE"}],"signature":[{"case_id":"CASE-7","change_id":8,"meaning":"alice-secret-meaning","reader":"alice","signed_at":"2025-01-06T09:00:06+00:00","signed_by":"alice","timepoint":"BASELINE"}]}', '09ab6635fd16b419f379b53a00376ae4b5c716a1d0e09d1dd18ea6a64c15af9a', '72bdcd0189d53e2fcdac199528fc97433602a39e8fca9d3f81f65b0ff604c3f2', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (14, '2026-12-06T09:28:41.272890+00:00', 'alice', 'reread-timepoint', 9, 'CASE-7', 'alice', 'BASELINE', NULL, 'alice-secret-reread', '{"signature":[{"case_id":"CASE-7","change_id":8,"meaning":"alice-secret-meaning","reader":"alice","signed_at":"2025-01-06T09:00:06+00:00","signed_by":"alice","timepoint":"BASELINE"}]}', '{"change_log":[{"actor":"alice","at":"2025-01-06T09:00:07+00:00","case_id":"CASE-7","change_id":9,"kind":"reread-timepoint","lesion_id":null,"reader":"alice","reason":"alice-secret-reread","timepoint":"BASELINE"}],"reread":[{"case_id":"CASE-7","change_id":9,"reader":"alice","timepoint":"BASELINE"}]}', '72bdcd0189d53e2fcdac199528fc97433602a39e8fca9d3f81f65b0ff604c3f2', '6aaf5da4b53f921b0894a10064e48803ce9b724d96a86acf54bc2c11cc202b5d', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (15, '2026-12-06T09:28:41.277666+00:00', 'alice', 'save-observation', 10, 'CASE-7', 'alice', 'BASELINE', 'T1', '', '{"axis_measurement":[{"axis":"long","change_id":6,"col_spacing_mm":0.5,"end_col":87.0,"end_row":50.0,"fragment":"","fragment_position":0,"length_mm":"23.5","measured_at":"2025-01-06T09:00:03+00:00","measured_by":"alice","row_spacing_mm":0.5,"series_uid":null,"slice_index":11,"slice_thickness_mm":null,"sop_instance_uid":"1.2.826.0.1.11","start_col":40.0,"start_row":50.0}],"observation_version":[{"case_id":"CASE-7","change_id":6,"lesion_id":"T1","reader":"alice","reason":"","recorded_at":"2025-01-06T09:00:04+00:00","recorded_by":"alice","state":"PRESENT","timepoint":"BASELINE"}]}', '{"axis_measurement":[{"axis":"long","change_id":10,"col_spacing_mm":0.5,"end_col":89.0,"end_row":50.0,"fragment":"","fragment_position":0,"length_mm":"24.5","measured_at":"2025-01-06T09:00:08+00:00","measured_by":"alice","row_spacing_mm":0.5,"series_uid":null,"slice_index":11,"slice_thickness_mm":null,"sop_instance_uid":"1.2.826.0.1.11","start_col":40.0,"start_row":50.0}],"change_log":[{"actor":"alice","at":"2025-01-06T09:00:09+00:00","case_id":"CASE-7","change_id":10,"kind":"save-observation","lesion_id":"T1","reader":"alice","reason":"","timepoint":"BASELINE"}],"observation_version":[{"case_id":"CASE-7","change_id":10,"lesion_id":"T1","reader":"alice","reason":"","recorded_at":"2025-01-06T09:00:09+00:00","recorded_by":"alice","state":"PRESENT","timepoint":"BASELINE"}]}', '6aaf5da4b53f921b0894a10064e48803ce9b724d96a86acf54bc2c11cc202b5d', 'd47b5fceb0dedcaf1381c4ab05198839762a8cf5d233cb5700e33f70528e9fa4', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (16, '2026-12-06T09:28:41.280902+00:00', 'alice', 'sign-timepoint', 11, 'CASE-7', 'alice', 'BASELINE', NULL, '', '{}', '{"change_log":[{"actor":"alice","at":"2025-01-06T09:00:10+00:00","case_id":"CASE-7","change_id":11,"kind":"sign-timepoint","lesion_id":null,"reader":"alice","reason":"","timepoint":"BASELINE"}],"signature":[{"case_id":"CASE-7","change_id":11,"meaning":"alice-secret-meaning-2","reader":"alice","signed_at":"2025-01-06T09:00:10+00:00","signed_by":"alice","timepoint":"BASELINE"}]}', 'd47b5fceb0dedcaf1381c4ab05198839762a8cf5d233cb5700e33f70528e9fa4', 'd3da38f4e02fec88b07a0f1f7f9fdc9045cbaaa4120a6df2bec33626722f577d', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (17, '2026-12-06T09:28:41.284518+00:00', 'alice', 'save-observation', 12, 'CASE-7', 'alice', 'M2', 'T1', '', '{}', '{"axis_measurement":[{"axis":"long","change_id":12,"col_spacing_mm":0.5,"end_col":83.0,"end_row":50.0,"fragment":"","fragment_position":0,"length_mm":"21.5","measured_at":"2025-01-06T09:00:11+00:00","measured_by":"alice","row_spacing_mm":0.5,"series_uid":null,"slice_index":11,"slice_thickness_mm":null,"sop_instance_uid":"1.2.826.0.1.11","start_col":40.0,"start_row":50.0}],"change_log":[{"actor":"alice","at":"2025-01-06T09:00:12+00:00","case_id":"CASE-7","change_id":12,"kind":"save-observation","lesion_id":"T1","reader":"alice","reason":"","timepoint":"M2"}],"observation_version":[{"case_id":"CASE-7","change_id":12,"lesion_id":"T1","reader":"alice","reason":"","recorded_at":"2025-01-06T09:00:12+00:00","recorded_by":"alice","state":"PRESENT","timepoint":"M2"}]}', 'd3da38f4e02fec88b07a0f1f7f9fdc9045cbaaa4120a6df2bec33626722f577d', '3c3ca3bd09534e67fbb5ae72cdac8ff9b553cab307575e9e34cabeb12aa0dd41', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (18, '2026-12-06T09:28:41.287908+00:00', 'alice', 'save-observation', 13, 'CASE-7', 'alice', 'M2', 'NT1', '', '{}', '{"change_log":[{"actor":"alice","at":"2025-01-06T09:00:13+00:00","case_id":"CASE-7","change_id":13,"kind":"save-observation","lesion_id":"NT1","reader":"alice","reason":"","timepoint":"M2"}],"observation_version":[{"case_id":"CASE-7","change_id":13,"lesion_id":"NT1","reader":"alice","reason":"alice-secret-progression","recorded_at":"2025-01-06T09:00:13+00:00","recorded_by":"alice","state":"PROGRESSION","timepoint":"M2"}]}', '3c3ca3bd09534e67fbb5ae72cdac8ff9b553cab307575e9e34cabeb12aa0dd41', '19df48163796d88d357fc07e649cffb5ff25142e8b0f8cd2150cdb8d0c7b4fa7', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (19, '2026-12-06T09:28:41.291027+00:00', 'alice', 'sign-timepoint', 14, 'CASE-7', 'alice', 'M2', NULL, '', '{}', '{"change_log":[{"actor":"alice","at":"2025-01-06T09:00:14+00:00","case_id":"CASE-7","change_id":14,"kind":"sign-timepoint","lesion_id":null,"reader":"alice","reason":"","timepoint":"M2"}],"signature":[{"case_id":"CASE-7","change_id":14,"meaning":"alice-secret-meaning-m2","reader":"alice","signed_at":"2025-01-06T09:00:14+00:00","signed_by":"alice","timepoint":"M2"}]}', '19df48163796d88d357fc07e649cffb5ff25142e8b0f8cd2150cdb8d0c7b4fa7', 'cb584ed976203067bccbd450f4e644da1df2a9e83b8edab901ae4ae2fa3ee78d', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (20, '2026-12-06T09:28:41.310506+00:00', 'bob', 'save-lesion', 15, 'CASE-7', 'bob', NULL, 'T1', '', '{}', '{"change_log":[{"actor":"bob","at":"2025-01-06T09:00:01+00:00","case_id":"CASE-7","change_id":15,"kind":"save-lesion","lesion_id":"T1","reader":"bob","reason":"","timepoint":null}],"lesion_version":[{"case_id":"CASE-7","category":"TARGET","change_id":15,"detail":"bob-secret-detail","is_node":0,"lesion_id":"T1","organ":"liver","reader":"bob","retired":0}]}', 'cb584ed976203067bccbd450f4e644da1df2a9e83b8edab901ae4ae2fa3ee78d', '9a46e2d07a251c2aa1d5cd4c45227f96556f6c90a38574dd840edfe499c0c6f3', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (21, '2026-12-06T09:28:41.315072+00:00', 'bob', 'save-lesion', 16, 'CASE-7', 'bob', NULL, 'NT1', '', '{}', '{"change_log":[{"actor":"bob","at":"2025-01-06T09:00:02+00:00","case_id":"CASE-7","change_id":16,"kind":"save-lesion","lesion_id":"NT1","reader":"bob","reason":"","timepoint":null}],"lesion_version":[{"case_id":"CASE-7","category":"NON-TARGET","change_id":16,"detail":"bob-secret-bone","is_node":0,"lesion_id":"NT1","organ":"bone","reader":"bob","retired":0}]}', '9a46e2d07a251c2aa1d5cd4c45227f96556f6c90a38574dd840edfe499c0c6f3', '189d2151373702132949d0c29d62537e12ac8f39c37548351497e433c4a1b8eb', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (22, '2026-12-06T09:28:41.319335+00:00', 'bob', 'save-observation', 17, 'CASE-7', 'bob', 'BASELINE', 'T1', '', '{}', '{"axis_measurement":[{"axis":"long","change_id":17,"col_spacing_mm":0.5,"end_col":102.5,"end_row":50.0,"fragment":"","fragment_position":0,"length_mm":"31.3","measured_at":"2025-01-06T09:00:03+00:00","measured_by":"bob","row_spacing_mm":0.5,"series_uid":null,"slice_index":11,"slice_thickness_mm":null,"sop_instance_uid":"1.2.826.0.1.11","start_col":40.0,"start_row":50.0}],"change_log":[{"actor":"bob","at":"2025-01-06T09:00:04+00:00","case_id":"CASE-7","change_id":17,"kind":"save-observation","lesion_id":"T1","reader":"bob","reason":"","timepoint":"BASELINE"}],"observation_version":[{"case_id":"CASE-7","change_id":17,"lesion_id":"T1","reader":"bob","reason":"","recorded_at":"2025-01-06T09:00:04+00:00","recorded_by":"bob","state":"PRESENT","timepoint":"BASELINE"}]}', '189d2151373702132949d0c29d62537e12ac8f39c37548351497e433c4a1b8eb', '428c348c1784f2f1f1758d894e92e72cd740d8669a189ef4ee86eb8610dbfeda', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (23, '2026-12-06T09:28:41.323090+00:00', 'bob', 'save-observation', 18, 'CASE-7', 'bob', 'BASELINE', 'NT1', '', '{}', '{"change_log":[{"actor":"bob","at":"2025-01-06T09:00:05+00:00","case_id":"CASE-7","change_id":18,"kind":"save-observation","lesion_id":"NT1","reader":"bob","reason":"","timepoint":"BASELINE"}],"observation_version":[{"case_id":"CASE-7","change_id":18,"lesion_id":"NT1","reader":"bob","reason":"","recorded_at":"2025-01-06T09:00:05+00:00","recorded_by":"bob","state":"PRESENT","timepoint":"BASELINE"}]}', '428c348c1784f2f1f1758d894e92e72cd740d8669a189ef4ee86eb8610dbfeda', 'f0339af0bd001ab02810984ee03524402417215869128d6d2160ab70388abfd8', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (24, '2026-12-06T09:28:41.326731+00:00', 'bob', 'sign-timepoint', 19, 'CASE-7', 'bob', 'BASELINE', NULL, '', '{}', '{"change_log":[{"actor":"bob","at":"2025-01-06T09:00:06+00:00","case_id":"CASE-7","change_id":19,"kind":"sign-timepoint","lesion_id":null,"reader":"bob","reason":"","timepoint":"BASELINE"}],"signature":[{"case_id":"CASE-7","change_id":19,"meaning":"bob-secret-meaning","reader":"bob","signed_at":"2025-01-06T09:00:06+00:00","signed_by":"bob","timepoint":"BASELINE"}]}', 'f0339af0bd001ab02810984ee03524402417215869128d6d2160ab70388abfd8', '9a8145c5625a3da4e7b632bcc30cd4420b0e6cef9e0ae2f3c0777f3682de8d32', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (25, '2026-12-06T09:28:41.331481+00:00', 'bob', 'reread-timepoint', 20, 'CASE-7', 'bob', 'BASELINE', NULL, 'bob-secret-reread', '{"signature":[{"case_id":"CASE-7","change_id":19,"meaning":"bob-secret-meaning","reader":"bob","signed_at":"2025-01-06T09:00:06+00:00","signed_by":"bob","timepoint":"BASELINE"}]}', '{"change_log":[{"actor":"bob","at":"2025-01-06T09:00:07+00:00","case_id":"CASE-7","change_id":20,"kind":"reread-timepoint","lesion_id":null,"reader":"bob","reason":"bob-secret-reread","timepoint":"BASELINE"}],"reread":[{"case_id":"CASE-7","change_id":20,"reader":"bob","timepoint":"BASELINE"}]}', '9a8145c5625a3da4e7b632bcc30cd4420b0e6cef9e0ae2f3c0777f3682de8d32', '32ba4e3f5c681c9d4d285397eea27a8387358b91bf76ebb7e82d42af7b82b0c5', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (26, '2026-12-06T09:28:41.335720+00:00', 'bob', 'save-observation', 21, 'CASE-7', 'bob', 'BASELINE', 'T1', '', '{"axis_measurement":[{"axis":"long","change_id":17,"col_spacing_mm":0.5,"end_col":102.5,"end_row":50.0,"fragment":"","fragment_position":0,"length_mm":"31.3","measured_at":"2025-01-06T09:00:03+00:00","measured_by":"bob","row_spacing_mm":0.5,"series_uid":null,"slice_index":11,"slice_thickness_mm":null,"sop_instance_uid":"1.2.826.0.1.11","start_col":40.0,"start_row":50.0}],"observation_version":[{"case_id":"CASE-7","change_id":17,"lesion_id":"T1","reader":"bob","reason":"","recorded_at":"2025-01-06T09:00:04+00:00","recorded_by":"bob","state":"PRESENT","timepoint":"BASELINE"}]}', '{"axis_measurement":[{"axis":"long","change_id":21,"col_spacing_mm":0.5,"end_col":104.5,"end_row":50.0,"fragment":"","fragment_position":0,"length_mm":"32.3","measured_at":"2025-01-06T09:00:08+00:00","measured_by":"bob","row_spacing_mm":0.5,"series_uid":null,"slice_index":11,"slice_thickness_mm":null,"sop_instance_uid":"1.2.826.0.1.11","start_col":40.0,"start_row":50.0}],"change_log":[{"actor":"bob","at":"2025-01-06T09:00:09+00:00","case_id":"CASE-7","change_id":21,"kind":"save-observation","lesion_id":"T1","reader":"bob","reason":"","timepoint":"BASELINE"}],"observation_version":[{"case_id":"CASE-7","change_id":21,"lesion_id":"T1","reader":"bob","reason":"","recorded_at":"2025-01-06T09:00:09+00:00","recorded_by":"bob","state":"PRESENT","timepoint":"BASELINE"}]}', '32ba4e3f5c681c9d4d285397eea27a8387358b91bf76ebb7e82d42af7b82b0c5', '895c68d9b30bd10a1bbb32935dd439bccb5c515ba82abdbbaf1a82e29fd4611f', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (27, '2026-12-06T09:28:41.339122+00:00', 'bob', 'sign-timepoint', 22, 'CASE-7', 'bob', 'BASELINE', NULL, '', '{}', '{"change_log":[{"actor":"bob","at":"2025-01-06T09:00:10+00:00","case_id":"CASE-7","change_id":22,"kind":"sign-timepoint","lesion_id":null,"reader":"bob","reason":"","timepoint":"BASELINE"}],"signature":[{"case_id":"CASE-7","change_id":22,"meaning":"bob-secret-meaning-2","reader":"bob","signed_at":"2025-01-06T09:00:10+00:00","signed_by":"bob","timepoint":"BASELINE"}]}', '895c68d9b30bd10a1bbb32935dd439bccb5c515ba82abdbbaf1a82e29fd4611f', '62683d7b8f367d11e0faad3e7d988ba016c0977cd6d15f00d5666b902ed744c6', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (28, '2026-12-06T09:28:41.342915+00:00', 'bob', 'save-observation', 23, 'CASE-7', 'bob', 'M2', 'T1', '', '{}', '{"axis_measurement":[{"axis":"long","change_id":23,"col_spacing_mm":0.5,"end_col":98.5,"end_row":50.0,"fragment":"","fragment_position":0,"length_mm":"29.3","measured_at":"2025-01-06T09:00:11+00:00","measured_by":"bob","row_spacing_mm":0.5,"series_uid":null,"slice_index":11,"slice_thickness_mm":null,"sop_instance_uid":"1.2.826.0.1.11","start_col":40.0,"start_row":50.0}],"change_log":[{"actor":"bob","at":"2025-01-06T09:00:12+00:00","case_id":"CASE-7","change_id":23,"kind":"save-observation","lesion_id":"T1","reader":"bob","reason":"","timepoint":"M2"}],"observation_version":[{"case_id":"CASE-7","change_id":23,"lesion_id":"T1","reader":"bob","reason":"","recorded_at":"2025-01-06T09:00:12+00:00","recorded_by":"bob","state":"PRESENT","timepoint":"M2"}]}', '62683d7b8f367d11e0faad3e7d988ba016c0977cd6d15f00d5666b902ed744c6', 'd4bcddb097bc6594a105b101995d9e2439fee1c22729e07b770addcc3aa18ccb', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (29, '2026-12-06T09:28:41.346528+00:00', 'bob', 'save-observation', 24, 'CASE-7', 'bob', 'M2', 'NT1', '', '{}', '{"change_log":[{"actor":"bob","at":"2025-01-06T09:00:13+00:00","case_id":"CASE-7","change_id":24,"kind":"save-observation","lesion_id":"NT1","reader":"bob","reason":"","timepoint":"M2"}],"observation_version":[{"case_id":"CASE-7","change_id":24,"lesion_id":"NT1","reader":"bob","reason":"bob-secret-progression","recorded_at":"2025-01-06T09:00:13+00:00","recorded_by":"bob","state":"PROGRESSION","timepoint":"M2"}]}', 'd4bcddb097bc6594a105b101995d9e2439fee1c22729e07b770addcc3aa18ccb', '28ce7c50aa914c60e0cc4504e190934bfef8fed4e04576f0c66e485cf3ea2cc4', NULL);
INSERT INTO recist.audit_record (seq, at, actor, action, change_id, case_id, reader, timepoint, lesion_id, reason, before, after, prev_hash, hash, seal) VALUES (30, '2026-12-06T09:28:41.350151+00:00', 'bob', 'sign-timepoint', 25, 'CASE-7', 'bob', 'M2', NULL, '', '{}', '{"change_log":[{"actor":"bob","at":"2025-01-06T09:00:14+00:00","case_id":"CASE-7","change_id":25,"kind":"sign-timepoint","lesion_id":null,"reader":"bob","reason":"","timepoint":"M2"}],"signature":[{"case_id":"CASE-7","change_id":25,"meaning":"bob-secret-meaning-m2","reader":"bob","signed_at":"2025-01-06T09:00:14+00:00","signed_by":"bob","timepoint":"M2"}]}', '28ce7c50aa914c60e0cc4504e190934bfef8fed4e04576f0c66e485cf3ea2cc4', '8caf6fe6b88a42a5da2d07deb305d389c669d6ad4c7df1e471b6498412d7d87d', NULL);


--
-- Data for Name: axis_measurement; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.axis_measurement (change_id, fragment_position, fragment, axis, slice_index, sop_instance_uid, start_row, start_col, end_row, end_col, row_spacing_mm, col_spacing_mm, length_mm, measured_by, measured_at, series_uid, slice_thickness_mm) VALUES (6, 0, '', 'long', 11, '1.2.826.0.1.11', 50, 40, 50, 87, 0.5, 0.5, '23.5', 'alice', '2025-01-06T09:00:03+00:00', NULL, NULL);
INSERT INTO recist.axis_measurement (change_id, fragment_position, fragment, axis, slice_index, sop_instance_uid, start_row, start_col, end_row, end_col, row_spacing_mm, col_spacing_mm, length_mm, measured_by, measured_at, series_uid, slice_thickness_mm) VALUES (10, 0, '', 'long', 11, '1.2.826.0.1.11', 50, 40, 50, 89, 0.5, 0.5, '24.5', 'alice', '2025-01-06T09:00:08+00:00', NULL, NULL);
INSERT INTO recist.axis_measurement (change_id, fragment_position, fragment, axis, slice_index, sop_instance_uid, start_row, start_col, end_row, end_col, row_spacing_mm, col_spacing_mm, length_mm, measured_by, measured_at, series_uid, slice_thickness_mm) VALUES (12, 0, '', 'long', 11, '1.2.826.0.1.11', 50, 40, 50, 83, 0.5, 0.5, '21.5', 'alice', '2025-01-06T09:00:11+00:00', NULL, NULL);
INSERT INTO recist.axis_measurement (change_id, fragment_position, fragment, axis, slice_index, sop_instance_uid, start_row, start_col, end_row, end_col, row_spacing_mm, col_spacing_mm, length_mm, measured_by, measured_at, series_uid, slice_thickness_mm) VALUES (17, 0, '', 'long', 11, '1.2.826.0.1.11', 50, 40, 50, 102.5, 0.5, 0.5, '31.3', 'bob', '2025-01-06T09:00:03+00:00', NULL, NULL);
INSERT INTO recist.axis_measurement (change_id, fragment_position, fragment, axis, slice_index, sop_instance_uid, start_row, start_col, end_row, end_col, row_spacing_mm, col_spacing_mm, length_mm, measured_by, measured_at, series_uid, slice_thickness_mm) VALUES (21, 0, '', 'long', 11, '1.2.826.0.1.11', 50, 40, 50, 104.5, 0.5, 0.5, '32.3', 'bob', '2025-01-06T09:00:08+00:00', NULL, NULL);
INSERT INTO recist.axis_measurement (change_id, fragment_position, fragment, axis, slice_index, sop_instance_uid, start_row, start_col, end_row, end_col, row_spacing_mm, col_spacing_mm, length_mm, measured_by, measured_at, series_uid, slice_thickness_mm) VALUES (23, 0, '', 'long', 11, '1.2.826.0.1.11', 50, 40, 50, 98.5, 0.5, 0.5, '29.3', 'bob', '2025-01-06T09:00:11+00:00', NULL, NULL);


--
-- Data for Name: change_log; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (1, 'add-subject', 'ada', '2025-01-06T09:00:01+00:00', 'CASE-7', NULL, NULL, NULL, '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (2, 'add-timepoint', 'ada', '2025-01-06T09:00:02+00:00', 'CASE-7', NULL, 'BASELINE', NULL, '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (3, 'add-timepoint', 'ada', '2025-01-06T09:00:03+00:00', 'CASE-7', NULL, 'M2', NULL, '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (4, 'save-lesion', 'alice', '2025-01-06T09:00:01+00:00', 'CASE-7', 'alice', NULL, 'T1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (5, 'save-lesion', 'alice', '2025-01-06T09:00:02+00:00', 'CASE-7', 'alice', NULL, 'NT1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (6, 'save-observation', 'alice', '2025-01-06T09:00:04+00:00', 'CASE-7', 'alice', 'BASELINE', 'T1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (7, 'save-observation', 'alice', '2025-01-06T09:00:05+00:00', 'CASE-7', 'alice', 'BASELINE', 'NT1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (8, 'sign-timepoint', 'alice', '2025-01-06T09:00:06+00:00', 'CASE-7', 'alice', 'BASELINE', NULL, '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (9, 'reread-timepoint', 'alice', '2025-01-06T09:00:07+00:00', 'CASE-7', 'alice', 'BASELINE', NULL, 'alice-secret-reread');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (10, 'save-observation', 'alice', '2025-01-06T09:00:09+00:00', 'CASE-7', 'alice', 'BASELINE', 'T1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (11, 'sign-timepoint', 'alice', '2025-01-06T09:00:10+00:00', 'CASE-7', 'alice', 'BASELINE', NULL, '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (12, 'save-observation', 'alice', '2025-01-06T09:00:12+00:00', 'CASE-7', 'alice', 'M2', 'T1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (13, 'save-observation', 'alice', '2025-01-06T09:00:13+00:00', 'CASE-7', 'alice', 'M2', 'NT1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (14, 'sign-timepoint', 'alice', '2025-01-06T09:00:14+00:00', 'CASE-7', 'alice', 'M2', NULL, '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (15, 'save-lesion', 'bob', '2025-01-06T09:00:01+00:00', 'CASE-7', 'bob', NULL, 'T1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (16, 'save-lesion', 'bob', '2025-01-06T09:00:02+00:00', 'CASE-7', 'bob', NULL, 'NT1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (17, 'save-observation', 'bob', '2025-01-06T09:00:04+00:00', 'CASE-7', 'bob', 'BASELINE', 'T1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (18, 'save-observation', 'bob', '2025-01-06T09:00:05+00:00', 'CASE-7', 'bob', 'BASELINE', 'NT1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (19, 'sign-timepoint', 'bob', '2025-01-06T09:00:06+00:00', 'CASE-7', 'bob', 'BASELINE', NULL, '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (20, 'reread-timepoint', 'bob', '2025-01-06T09:00:07+00:00', 'CASE-7', 'bob', 'BASELINE', NULL, 'bob-secret-reread');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (21, 'save-observation', 'bob', '2025-01-06T09:00:09+00:00', 'CASE-7', 'bob', 'BASELINE', 'T1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (22, 'sign-timepoint', 'bob', '2025-01-06T09:00:10+00:00', 'CASE-7', 'bob', 'BASELINE', NULL, '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (23, 'save-observation', 'bob', '2025-01-06T09:00:12+00:00', 'CASE-7', 'bob', 'M2', 'T1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (24, 'save-observation', 'bob', '2025-01-06T09:00:13+00:00', 'CASE-7', 'bob', 'M2', 'NT1', '');
INSERT INTO recist.change_log (change_id, kind, actor, at, case_id, reader, timepoint, lesion_id, reason) VALUES (25, 'sign-timepoint', 'bob', '2025-01-06T09:00:14+00:00', 'CASE-7', 'bob', 'M2', NULL, '');


--
-- Data for Name: image_file; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--



--
-- Data for Name: image_update; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--



--
-- Data for Name: lesion_version; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.lesion_version (change_id, case_id, reader, lesion_id, category, organ, detail, is_node, retired) VALUES (4, 'CASE-7', 'alice', 'T1', 'TARGET', 'liver', 'alice-secret-detail', 0, 0);
INSERT INTO recist.lesion_version (change_id, case_id, reader, lesion_id, category, organ, detail, is_node, retired) VALUES (5, 'CASE-7', 'alice', 'NT1', 'NON-TARGET', 'bone', 'alice-secret-bone', 0, 0);
INSERT INTO recist.lesion_version (change_id, case_id, reader, lesion_id, category, organ, detail, is_node, retired) VALUES (15, 'CASE-7', 'bob', 'T1', 'TARGET', 'liver', 'bob-secret-detail', 0, 0);
INSERT INTO recist.lesion_version (change_id, case_id, reader, lesion_id, category, organ, detail, is_node, retired) VALUES (16, 'CASE-7', 'bob', 'NT1', 'NON-TARGET', 'bone', 'bob-secret-bone', 0, 0);


--
-- Data for Name: observation_version; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (6, 'CASE-7', 'alice', 'BASELINE', 'T1', 'PRESENT', '', 'alice', '2025-01-06T09:00:04+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (7, 'CASE-7', 'alice', 'BASELINE', 'NT1', 'PRESENT', '', 'alice', '2025-01-06T09:00:05+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (10, 'CASE-7', 'alice', 'BASELINE', 'T1', 'PRESENT', '', 'alice', '2025-01-06T09:00:09+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (12, 'CASE-7', 'alice', 'M2', 'T1', 'PRESENT', '', 'alice', '2025-01-06T09:00:12+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (13, 'CASE-7', 'alice', 'M2', 'NT1', 'PROGRESSION', 'alice-secret-progression', 'alice', '2025-01-06T09:00:13+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (17, 'CASE-7', 'bob', 'BASELINE', 'T1', 'PRESENT', '', 'bob', '2025-01-06T09:00:04+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (18, 'CASE-7', 'bob', 'BASELINE', 'NT1', 'PRESENT', '', 'bob', '2025-01-06T09:00:05+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (21, 'CASE-7', 'bob', 'BASELINE', 'T1', 'PRESENT', '', 'bob', '2025-01-06T09:00:09+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (23, 'CASE-7', 'bob', 'M2', 'T1', 'PRESENT', '', 'bob', '2025-01-06T09:00:12+00:00');
INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, lesion_id, state, reason, recorded_by, recorded_at) VALUES (24, 'CASE-7', 'bob', 'M2', 'NT1', 'PROGRESSION', 'bob-secret-progression', 'bob', '2025-01-06T09:00:13+00:00');


--
-- Data for Name: project_info; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.project_info (key, value) VALUES ('created_at', '2026-12-06T09:28:41.166299+00:00');
INSERT INTO recist.project_info (key, value) VALUES ('created_schema_version', '4');
INSERT INTO recist.project_info (key, value) VALUES ('project_uid', '69bf7428-8f92-4cce-b1ef-1e3772072b02');


--
-- Data for Name: reread; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.reread (change_id, case_id, reader, timepoint) VALUES (9, 'CASE-7', 'alice', 'BASELINE');
INSERT INTO recist.reread (change_id, case_id, reader, timepoint) VALUES (20, 'CASE-7', 'bob', 'BASELINE');


--
-- Data for Name: series_choice; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--



--
-- Data for Name: signature; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.signature (change_id, case_id, reader, timepoint, signed_by, signed_at, meaning) VALUES (8, 'CASE-7', 'alice', 'BASELINE', 'alice', '2025-01-06T09:00:06+00:00', 'alice-secret-meaning');
INSERT INTO recist.signature (change_id, case_id, reader, timepoint, signed_by, signed_at, meaning) VALUES (11, 'CASE-7', 'alice', 'BASELINE', 'alice', '2025-01-06T09:00:10+00:00', 'alice-secret-meaning-2');
INSERT INTO recist.signature (change_id, case_id, reader, timepoint, signed_by, signed_at, meaning) VALUES (14, 'CASE-7', 'alice', 'M2', 'alice', '2025-01-06T09:00:14+00:00', 'alice-secret-meaning-m2');
INSERT INTO recist.signature (change_id, case_id, reader, timepoint, signed_by, signed_at, meaning) VALUES (19, 'CASE-7', 'bob', 'BASELINE', 'bob', '2025-01-06T09:00:06+00:00', 'bob-secret-meaning');
INSERT INTO recist.signature (change_id, case_id, reader, timepoint, signed_by, signed_at, meaning) VALUES (22, 'CASE-7', 'bob', 'BASELINE', 'bob', '2025-01-06T09:00:10+00:00', 'bob-secret-meaning-2');
INSERT INTO recist.signature (change_id, case_id, reader, timepoint, signed_by, signed_at, meaning) VALUES (25, 'CASE-7', 'bob', 'M2', 'bob', '2025-01-06T09:00:14+00:00', 'bob-secret-meaning-m2');


--
-- Data for Name: store_version; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.store_version (application_id, schema_version, role_prefix) VALUES (1380143956, 4, 'recist_reluth_schema4_dbe68d');


--
-- Data for Name: subject; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.subject (change_id, case_id) VALUES (1, 'CASE-7');


--
-- Data for Name: subject_reference; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--



--
-- Data for Name: timepoint; Type: TABLE DATA; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

INSERT INTO recist.timepoint (change_id, case_id, label, scan_date, study_uid, series_uid, series_folder, slice_thickness_mm) VALUES (2, 'CASE-7', 'BASELINE', '2024-01-08', NULL, NULL, NULL, NULL);
INSERT INTO recist.timepoint (change_id, case_id, label, scan_date, study_uid, series_uid, series_folder, slice_thickness_mm) VALUES (3, 'CASE-7', 'M2', '2024-03-04', NULL, NULL, NULL, NULL);


--
-- Name: change_log_change_id_seq; Type: SEQUENCE SET; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

SELECT pg_catalog.setval('recist.change_log_change_id_seq', 25, true);


--
-- Name: account_event account_event_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.account_event
    ADD CONSTRAINT account_event_pkey PRIMARY KEY (audit_seq);


--
-- Name: account_setting account_setting_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.account_setting
    ADD CONSTRAINT account_setting_pkey PRIMARY KEY (audit_seq, name);


--
-- Name: adjudication adjudication_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.adjudication
    ADD CONSTRAINT adjudication_pkey PRIMARY KEY (audit_seq);


--
-- Name: adjudication_setting adjudication_setting_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.adjudication_setting
    ADD CONSTRAINT adjudication_setting_pkey PRIMARY KEY (audit_seq, name);


--
-- Name: app_user app_user_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.app_user
    ADD CONSTRAINT app_user_pkey PRIMARY KEY (audit_seq);


--
-- Name: audit_record audit_record_change_id_key; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.audit_record
    ADD CONSTRAINT audit_record_change_id_key UNIQUE (change_id);


--
-- Name: audit_record audit_record_hash_key; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.audit_record
    ADD CONSTRAINT audit_record_hash_key UNIQUE (hash);


--
-- Name: audit_record audit_record_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.audit_record
    ADD CONSTRAINT audit_record_pkey PRIMARY KEY (seq);


--
-- Name: axis_measurement axis_measurement_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.axis_measurement
    ADD CONSTRAINT axis_measurement_pkey PRIMARY KEY (change_id, fragment_position, axis);


--
-- Name: change_log change_log_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.change_log
    ADD CONSTRAINT change_log_pkey PRIMARY KEY (change_id);


--
-- Name: image_file image_file_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.image_file
    ADD CONSTRAINT image_file_pkey PRIMARY KEY (change_id, path);


--
-- Name: image_update image_update_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.image_update
    ADD CONSTRAINT image_update_pkey PRIMARY KEY (audit_seq, path);


--
-- Name: lesion_version lesion_version_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.lesion_version
    ADD CONSTRAINT lesion_version_pkey PRIMARY KEY (change_id);


--
-- Name: observation_version observation_version_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.observation_version
    ADD CONSTRAINT observation_version_pkey PRIMARY KEY (change_id);


--
-- Name: project_info project_info_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.project_info
    ADD CONSTRAINT project_info_pkey PRIMARY KEY (key);


--
-- Name: reread reread_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.reread
    ADD CONSTRAINT reread_pkey PRIMARY KEY (change_id, timepoint);


--
-- Name: series_choice series_choice_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.series_choice
    ADD CONSTRAINT series_choice_pkey PRIMARY KEY (change_id);


--
-- Name: signature signature_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.signature
    ADD CONSTRAINT signature_pkey PRIMARY KEY (change_id);


--
-- Name: subject subject_case_id_key; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.subject
    ADD CONSTRAINT subject_case_id_key UNIQUE (case_id);


--
-- Name: subject subject_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.subject
    ADD CONSTRAINT subject_pkey PRIMARY KEY (change_id);


--
-- Name: subject_reference subject_reference_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.subject_reference
    ADD CONSTRAINT subject_reference_pkey PRIMARY KEY (audit_seq, case_id);


--
-- Name: timepoint timepoint_case_id_label_key; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.timepoint
    ADD CONSTRAINT timepoint_case_id_label_key UNIQUE (case_id, label);


--
-- Name: timepoint timepoint_pkey; Type: CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.timepoint
    ADD CONSTRAINT timepoint_pkey PRIMARY KEY (change_id);


--
-- Name: account_event_name; Type: INDEX; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE INDEX account_event_name ON recist.account_event USING btree (name, audit_seq);


--
-- Name: app_user_name; Type: INDEX; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE INDEX app_user_name ON recist.app_user USING btree (name);


--
-- Name: image_update_key; Type: INDEX; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE INDEX image_update_key ON recist.image_update USING btree (case_id, timepoint);


--
-- Name: lesion_key; Type: INDEX; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE INDEX lesion_key ON recist.lesion_version USING btree (case_id, reader, lesion_id);


--
-- Name: observation_key; Type: INDEX; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE INDEX observation_key ON recist.observation_version USING btree (case_id, reader, timepoint, lesion_id);


--
-- Name: reread_key; Type: INDEX; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE INDEX reread_key ON recist.reread USING btree (case_id, reader, timepoint);


--
-- Name: series_choice_key; Type: INDEX; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE INDEX series_choice_key ON recist.series_choice USING btree (case_id, reader, timepoint);


--
-- Name: signature_key; Type: INDEX; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE INDEX signature_key ON recist.signature USING btree (case_id, reader, timepoint);


--
-- Name: account_event account_event_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER account_event_no_delete BEFORE DELETE ON recist.account_event FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: account_event account_event_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER account_event_no_truncate BEFORE TRUNCATE ON recist.account_event FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: account_event account_event_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER account_event_no_update BEFORE UPDATE ON recist.account_event FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: account_setting account_setting_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER account_setting_no_delete BEFORE DELETE ON recist.account_setting FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: account_setting account_setting_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER account_setting_no_truncate BEFORE TRUNCATE ON recist.account_setting FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: account_setting account_setting_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER account_setting_no_update BEFORE UPDATE ON recist.account_setting FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: adjudication adjudication_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER adjudication_no_delete BEFORE DELETE ON recist.adjudication FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: adjudication adjudication_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER adjudication_no_truncate BEFORE TRUNCATE ON recist.adjudication FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: adjudication adjudication_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER adjudication_no_update BEFORE UPDATE ON recist.adjudication FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: adjudication_setting adjudication_setting_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER adjudication_setting_no_delete BEFORE DELETE ON recist.adjudication_setting FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: adjudication_setting adjudication_setting_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER adjudication_setting_no_truncate BEFORE TRUNCATE ON recist.adjudication_setting FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: adjudication_setting adjudication_setting_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER adjudication_setting_no_update BEFORE UPDATE ON recist.adjudication_setting FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: app_user app_user_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER app_user_no_delete BEFORE DELETE ON recist.app_user FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: app_user app_user_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER app_user_no_truncate BEFORE TRUNCATE ON recist.app_user FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: app_user app_user_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER app_user_no_update BEFORE UPDATE ON recist.app_user FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: audit_record audit_record_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON recist.audit_record FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: audit_record audit_record_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON recist.audit_record FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: audit_record audit_record_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON recist.audit_record FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: axis_measurement axis_measurement_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER axis_measurement_no_delete BEFORE DELETE ON recist.axis_measurement FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: axis_measurement axis_measurement_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER axis_measurement_no_truncate BEFORE TRUNCATE ON recist.axis_measurement FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: axis_measurement axis_measurement_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER axis_measurement_no_update BEFORE UPDATE ON recist.axis_measurement FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: change_log change_log_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER change_log_no_delete BEFORE DELETE ON recist.change_log FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: change_log change_log_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON recist.change_log FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: change_log change_log_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON recist.change_log FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: image_file image_file_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER image_file_no_delete BEFORE DELETE ON recist.image_file FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: image_file image_file_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER image_file_no_truncate BEFORE TRUNCATE ON recist.image_file FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: image_file image_file_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER image_file_no_update BEFORE UPDATE ON recist.image_file FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: image_update image_update_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER image_update_no_delete BEFORE DELETE ON recist.image_update FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: image_update image_update_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER image_update_no_truncate BEFORE TRUNCATE ON recist.image_update FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: image_update image_update_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER image_update_no_update BEFORE UPDATE ON recist.image_update FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: lesion_version lesion_version_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER lesion_version_no_delete BEFORE DELETE ON recist.lesion_version FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: lesion_version lesion_version_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER lesion_version_no_truncate BEFORE TRUNCATE ON recist.lesion_version FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: lesion_version lesion_version_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER lesion_version_no_update BEFORE UPDATE ON recist.lesion_version FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: observation_version observation_version_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER observation_version_no_delete BEFORE DELETE ON recist.observation_version FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: observation_version observation_version_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER observation_version_no_truncate BEFORE TRUNCATE ON recist.observation_version FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: observation_version observation_version_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER observation_version_no_update BEFORE UPDATE ON recist.observation_version FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: project_info project_info_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER project_info_no_delete BEFORE DELETE ON recist.project_info FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: project_info project_info_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER project_info_no_truncate BEFORE TRUNCATE ON recist.project_info FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: project_info project_info_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER project_info_no_update BEFORE UPDATE ON recist.project_info FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: reread reread_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER reread_no_delete BEFORE DELETE ON recist.reread FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: reread reread_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER reread_no_truncate BEFORE TRUNCATE ON recist.reread FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: reread reread_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER reread_no_update BEFORE UPDATE ON recist.reread FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: reread reread_notify; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER reread_notify AFTER INSERT ON recist.reread FOR EACH STATEMENT EXECUTE FUNCTION recist.notify_reads();


--
-- Name: series_choice series_choice_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER series_choice_no_delete BEFORE DELETE ON recist.series_choice FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: series_choice series_choice_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER series_choice_no_truncate BEFORE TRUNCATE ON recist.series_choice FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: series_choice series_choice_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER series_choice_no_update BEFORE UPDATE ON recist.series_choice FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: signature signature_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER signature_no_delete BEFORE DELETE ON recist.signature FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: signature signature_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER signature_no_truncate BEFORE TRUNCATE ON recist.signature FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: signature signature_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER signature_no_update BEFORE UPDATE ON recist.signature FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: signature signature_notify; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER signature_notify AFTER INSERT ON recist.signature FOR EACH STATEMENT EXECUTE FUNCTION recist.notify_reads();


--
-- Name: store_version store_version_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER store_version_no_delete BEFORE DELETE ON recist.store_version FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: store_version store_version_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER store_version_no_truncate BEFORE TRUNCATE ON recist.store_version FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: store_version store_version_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER store_version_no_update BEFORE UPDATE ON recist.store_version FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: subject subject_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER subject_no_delete BEFORE DELETE ON recist.subject FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: subject subject_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER subject_no_truncate BEFORE TRUNCATE ON recist.subject FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: subject subject_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER subject_no_update BEFORE UPDATE ON recist.subject FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: subject_reference subject_reference_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER subject_reference_no_delete BEFORE DELETE ON recist.subject_reference FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: subject_reference subject_reference_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER subject_reference_no_truncate BEFORE TRUNCATE ON recist.subject_reference FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: subject_reference subject_reference_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER subject_reference_no_update BEFORE UPDATE ON recist.subject_reference FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: timepoint timepoint_no_delete; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER timepoint_no_delete BEFORE DELETE ON recist.timepoint FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: timepoint timepoint_no_truncate; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER timepoint_no_truncate BEFORE TRUNCATE ON recist.timepoint FOR EACH STATEMENT EXECUTE FUNCTION recist.refuse_change();


--
-- Name: timepoint timepoint_no_update; Type: TRIGGER; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE TRIGGER timepoint_no_update BEFORE UPDATE ON recist.timepoint FOR EACH ROW EXECUTE FUNCTION recist.refuse_change();


--
-- Name: adjudication adjudication_case_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.adjudication
    ADD CONSTRAINT adjudication_case_id_fkey FOREIGN KEY (case_id) REFERENCES recist.subject(case_id);


--
-- Name: audit_record audit_record_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.audit_record
    ADD CONSTRAINT audit_record_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: axis_measurement axis_measurement_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.axis_measurement
    ADD CONSTRAINT axis_measurement_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.observation_version(change_id);


--
-- Name: image_file image_file_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.image_file
    ADD CONSTRAINT image_file_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: image_update image_update_case_id_timepoint_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.image_update
    ADD CONSTRAINT image_update_case_id_timepoint_fkey FOREIGN KEY (case_id, timepoint) REFERENCES recist.timepoint(case_id, label);


--
-- Name: lesion_version lesion_version_case_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.lesion_version
    ADD CONSTRAINT lesion_version_case_id_fkey FOREIGN KEY (case_id) REFERENCES recist.subject(case_id);


--
-- Name: lesion_version lesion_version_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.lesion_version
    ADD CONSTRAINT lesion_version_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: observation_version observation_version_case_id_timepoint_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.observation_version
    ADD CONSTRAINT observation_version_case_id_timepoint_fkey FOREIGN KEY (case_id, timepoint) REFERENCES recist.timepoint(case_id, label);


--
-- Name: observation_version observation_version_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.observation_version
    ADD CONSTRAINT observation_version_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: reread reread_case_id_timepoint_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.reread
    ADD CONSTRAINT reread_case_id_timepoint_fkey FOREIGN KEY (case_id, timepoint) REFERENCES recist.timepoint(case_id, label);


--
-- Name: reread reread_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.reread
    ADD CONSTRAINT reread_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: series_choice series_choice_case_id_timepoint_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.series_choice
    ADD CONSTRAINT series_choice_case_id_timepoint_fkey FOREIGN KEY (case_id, timepoint) REFERENCES recist.timepoint(case_id, label);


--
-- Name: series_choice series_choice_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.series_choice
    ADD CONSTRAINT series_choice_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: signature signature_case_id_timepoint_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.signature
    ADD CONSTRAINT signature_case_id_timepoint_fkey FOREIGN KEY (case_id, timepoint) REFERENCES recist.timepoint(case_id, label);


--
-- Name: signature signature_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.signature
    ADD CONSTRAINT signature_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: subject subject_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.subject
    ADD CONSTRAINT subject_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: subject_reference subject_reference_case_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.subject_reference
    ADD CONSTRAINT subject_reference_case_id_fkey FOREIGN KEY (case_id) REFERENCES recist.subject(case_id);


--
-- Name: timepoint timepoint_case_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.timepoint
    ADD CONSTRAINT timepoint_case_id_fkey FOREIGN KEY (case_id) REFERENCES recist.subject(case_id);


--
-- Name: timepoint timepoint_change_id_fkey; Type: FK CONSTRAINT; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE ONLY recist.timepoint
    ADD CONSTRAINT timepoint_change_id_fkey FOREIGN KEY (change_id) REFERENCES recist.change_log(change_id);


--
-- Name: account_event; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.account_event ENABLE ROW LEVEL SECURITY;

--
-- Name: account_event account_event_insert_adjudicator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY account_event_insert_adjudicator ON recist.account_event FOR INSERT TO recist_reluth_schema4_dbe68d_adjudicator WITH CHECK (((name = SESSION_USER) AND (event <> 'unlocked'::text)));


--
-- Name: account_event account_event_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY account_event_insert_administrator ON recist.account_event FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: account_event account_event_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY account_event_insert_reader ON recist.account_event FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((name = SESSION_USER) AND (event <> 'unlocked'::text)));


--
-- Name: account_event account_event_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY account_event_select ON recist.account_event FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((name = SESSION_USER) OR recist.is_role('administrator'::text)));


--
-- Name: account_setting; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.account_setting ENABLE ROW LEVEL SECURITY;

--
-- Name: account_setting account_setting_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY account_setting_insert_administrator ON recist.account_setting FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: account_setting account_setting_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY account_setting_select ON recist.account_setting FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (true);


--
-- Name: adjudication; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.adjudication ENABLE ROW LEVEL SECURITY;

--
-- Name: adjudication adjudication_insert_adjudicator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY adjudication_insert_adjudicator ON recist.adjudication FOR INSERT TO recist_reluth_schema4_dbe68d_adjudicator WITH CHECK ((signed_by = SESSION_USER));


--
-- Name: adjudication adjudication_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY adjudication_select ON recist.adjudication FOR SELECT TO recist_reluth_schema4_dbe68d_member USING ((recist.is_role('adjudicator'::text) OR recist.is_role('administrator'::text)));


--
-- Name: adjudication_setting; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.adjudication_setting ENABLE ROW LEVEL SECURITY;

--
-- Name: adjudication_setting adjudication_setting_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY adjudication_setting_insert_administrator ON recist.adjudication_setting FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: adjudication_setting adjudication_setting_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY adjudication_setting_select ON recist.adjudication_setting FOR SELECT TO recist_reluth_schema4_dbe68d_member USING ((recist.is_role('adjudicator'::text) OR recist.is_role('administrator'::text)));


--
-- Name: app_user; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.app_user ENABLE ROW LEVEL SECURITY;

--
-- Name: app_user app_user_insert_adjudicator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY app_user_insert_adjudicator ON recist.app_user FOR INSERT TO recist_reluth_schema4_dbe68d_adjudicator WITH CHECK (((name = SESSION_USER) AND (must_change = 0) AND (active = 1) AND (password_hash = 'postgresql:scram-sha-256'::text) AND (role = recist.role_of((SESSION_USER)::text))));


--
-- Name: app_user app_user_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY app_user_insert_administrator ON recist.app_user FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: app_user app_user_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY app_user_insert_reader ON recist.app_user FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((name = SESSION_USER) AND (must_change = 0) AND (active = 1) AND (password_hash = 'postgresql:scram-sha-256'::text) AND (role = recist.role_of((SESSION_USER)::text))));


--
-- Name: app_user app_user_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY app_user_select ON recist.app_user FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((name = SESSION_USER) OR recist.is_role('administrator'::text)));


--
-- Name: audit_record; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.audit_record ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_record audit_record_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY audit_record_select ON recist.audit_record FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((actor = SESSION_USER) OR recist.is_role('administrator'::text)));


--
-- Name: axis_measurement; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.axis_measurement ENABLE ROW LEVEL SECURITY;

--
-- Name: axis_measurement axis_measurement_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY axis_measurement_insert_reader ON recist.axis_measurement FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((measured_by = SESSION_USER) AND (EXISTS ( SELECT 1
   FROM recist.observation_version o
  WHERE ((o.change_id = axis_measurement.change_id) AND (o.reader = SESSION_USER))))));


--
-- Name: axis_measurement axis_measurement_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY axis_measurement_select ON recist.axis_measurement FOR SELECT TO recist_reluth_schema4_dbe68d_member USING ((EXISTS ( SELECT 1
   FROM recist.observation_version o
  WHERE (o.change_id = axis_measurement.change_id))));


--
-- Name: change_log; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.change_log ENABLE ROW LEVEL SECURITY;

--
-- Name: change_log change_log_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY change_log_insert_administrator ON recist.change_log FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (((actor = SESSION_USER) AND (reader IS NULL)));


--
-- Name: change_log change_log_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY change_log_insert_reader ON recist.change_log FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((actor = SESSION_USER) AND (reader = SESSION_USER)));


--
-- Name: change_log change_log_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY change_log_select ON recist.change_log FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((reader IS NULL) OR (reader = SESSION_USER) OR recist.is_role('administrator'::text) OR (recist.is_role('adjudicator'::text) AND recist.adjudicable(case_id))));


--
-- Name: image_file; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.image_file ENABLE ROW LEVEL SECURITY;

--
-- Name: image_file image_file_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY image_file_insert_administrator ON recist.image_file FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: image_file image_file_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY image_file_select ON recist.image_file FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (true);


--
-- Name: image_update; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.image_update ENABLE ROW LEVEL SECURITY;

--
-- Name: image_update image_update_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY image_update_insert_administrator ON recist.image_update FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: image_update image_update_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY image_update_select ON recist.image_update FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (true);


--
-- Name: lesion_version; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.lesion_version ENABLE ROW LEVEL SECURITY;

--
-- Name: lesion_version lesion_version_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY lesion_version_insert_reader ON recist.lesion_version FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((reader = SESSION_USER) AND recist.is_role('reader'::text) AND (EXISTS ( SELECT 1
   FROM recist.change_log c
  WHERE ((c.change_id = lesion_version.change_id) AND (c.reader = SESSION_USER))))));


--
-- Name: lesion_version lesion_version_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY lesion_version_select ON recist.lesion_version FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((reader = SESSION_USER) OR recist.is_role('administrator'::text) OR (recist.is_role('adjudicator'::text) AND recist.adjudicable(case_id))));


--
-- Name: observation_version; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.observation_version ENABLE ROW LEVEL SECURITY;

--
-- Name: observation_version observation_version_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY observation_version_insert_reader ON recist.observation_version FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((reader = SESSION_USER) AND recist.is_role('reader'::text) AND (EXISTS ( SELECT 1
   FROM recist.change_log c
  WHERE ((c.change_id = observation_version.change_id) AND (c.reader = SESSION_USER))))));


--
-- Name: observation_version observation_version_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY observation_version_select ON recist.observation_version FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((reader = SESSION_USER) OR recist.is_role('administrator'::text) OR (recist.is_role('adjudicator'::text) AND recist.adjudicable(case_id))));


--
-- Name: project_info; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.project_info ENABLE ROW LEVEL SECURITY;

--
-- Name: project_info project_info_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY project_info_insert_administrator ON recist.project_info FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK ((key = 'images_folder'::text));


--
-- Name: project_info project_info_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY project_info_select ON recist.project_info FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (true);


--
-- Name: reread; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.reread ENABLE ROW LEVEL SECURITY;

--
-- Name: reread reread_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY reread_insert_reader ON recist.reread FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((reader = SESSION_USER) AND recist.is_role('reader'::text) AND (EXISTS ( SELECT 1
   FROM recist.change_log c
  WHERE ((c.change_id = reread.change_id) AND (c.reader = SESSION_USER))))));


--
-- Name: reread reread_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY reread_select ON recist.reread FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((reader = SESSION_USER) OR recist.is_role('administrator'::text) OR (recist.is_role('adjudicator'::text) AND recist.adjudicable(case_id))));


--
-- Name: series_choice; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.series_choice ENABLE ROW LEVEL SECURITY;

--
-- Name: series_choice series_choice_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY series_choice_insert_reader ON recist.series_choice FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((reader = SESSION_USER) AND recist.is_role('reader'::text) AND (EXISTS ( SELECT 1
   FROM recist.change_log c
  WHERE ((c.change_id = series_choice.change_id) AND (c.reader = SESSION_USER))))));


--
-- Name: series_choice series_choice_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY series_choice_select ON recist.series_choice FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((reader = SESSION_USER) OR recist.is_role('administrator'::text) OR (recist.is_role('adjudicator'::text) AND recist.adjudicable(case_id))));


--
-- Name: signature; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.signature ENABLE ROW LEVEL SECURITY;

--
-- Name: signature signature_insert_reader; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY signature_insert_reader ON recist.signature FOR INSERT TO recist_reluth_schema4_dbe68d_reader WITH CHECK (((reader = SESSION_USER) AND recist.is_role('reader'::text) AND (EXISTS ( SELECT 1
   FROM recist.change_log c
  WHERE ((c.change_id = signature.change_id) AND (c.reader = SESSION_USER))))));


--
-- Name: signature signature_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY signature_select ON recist.signature FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (((reader = SESSION_USER) OR recist.is_role('administrator'::text) OR (recist.is_role('adjudicator'::text) AND recist.adjudicable(case_id))));


--
-- Name: store_version; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.store_version ENABLE ROW LEVEL SECURITY;

--
-- Name: store_version store_version_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY store_version_select ON recist.store_version FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (true);


--
-- Name: subject; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.subject ENABLE ROW LEVEL SECURITY;

--
-- Name: subject subject_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY subject_insert_administrator ON recist.subject FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: subject_reference; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.subject_reference ENABLE ROW LEVEL SECURITY;

--
-- Name: subject_reference subject_reference_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY subject_reference_insert_administrator ON recist.subject_reference FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: subject_reference subject_reference_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY subject_reference_select ON recist.subject_reference FOR SELECT TO recist_reluth_schema4_dbe68d_member USING ((recist.is_role('adjudicator'::text) OR recist.is_role('administrator'::text)));


--
-- Name: subject subject_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY subject_select ON recist.subject FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (true);


--
-- Name: timepoint; Type: ROW SECURITY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

ALTER TABLE recist.timepoint ENABLE ROW LEVEL SECURITY;

--
-- Name: timepoint timepoint_insert_administrator; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY timepoint_insert_administrator ON recist.timepoint FOR INSERT TO recist_reluth_schema4_dbe68d_administrator WITH CHECK (true);


--
-- Name: timepoint timepoint_select; Type: POLICY; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

CREATE POLICY timepoint_select ON recist.timepoint FOR SELECT TO recist_reluth_schema4_dbe68d_member USING (true);


--
-- Name: SCHEMA recist; Type: ACL; Schema: -; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT USAGE ON SCHEMA recist TO recist_reluth_schema4_dbe68d_member;


--
-- Name: FUNCTION adjudicable(p_case text); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.adjudicable(p_case text) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.adjudicable(p_case text) TO recist_reluth_schema4_dbe68d_member;


--
-- Name: FUNCTION append_audit(p_actor text, p_action text, p_at text, p_change_id bigint, p_case_id text, p_reader text, p_timepoint text, p_lesion_id text, p_reason text, p_before text, p_after text); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.append_audit(p_actor text, p_action text, p_at text, p_change_id bigint, p_case_id text, p_reader text, p_timepoint text, p_lesion_id text, p_reason text, p_before text, p_after text) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.append_audit(p_actor text, p_action text, p_at text, p_change_id bigint, p_case_id text, p_reader text, p_timepoint text, p_lesion_id text, p_reason text, p_before text, p_after text) TO recist_reluth_schema4_dbe68d_member;


--
-- Name: FUNCTION create_login(p_name text, p_role text, p_verifier text); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.create_login(p_name text, p_role text, p_verifier text) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.create_login(p_name text, p_role text, p_verifier text) TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: FUNCTION is_role(p_role text); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.is_role(p_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.is_role(p_role text) TO recist_reluth_schema4_dbe68d_member;


--
-- Name: FUNCTION j(p text); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.j(p text) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.j(p text) TO recist_reluth_schema4_dbe68d_member;


--
-- Name: FUNCTION lock_audit_chain(); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.lock_audit_chain() FROM PUBLIC;
GRANT ALL ON FUNCTION recist.lock_audit_chain() TO recist_reluth_schema4_dbe68d_member;


--
-- Name: FUNCTION notify_reads(); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.notify_reads() FROM PUBLIC;


--
-- Name: FUNCTION project_login(p_name text); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.project_login(p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.project_login(p_name text) TO recist_reluth_schema4_dbe68d_member;


--
-- Name: FUNCTION refuse_change(); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.refuse_change() FROM PUBLIC;


--
-- Name: FUNCTION reset_login(p_name text, p_verifier text); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.reset_login(p_name text, p_verifier text) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.reset_login(p_name text, p_verifier text) TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: FUNCTION role_of(p_name text); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.role_of(p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.role_of(p_name text) TO recist_reluth_schema4_dbe68d_member;


--
-- Name: FUNCTION set_login(p_name text, p_login boolean); Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

REVOKE ALL ON FUNCTION recist.set_login(p_name text, p_login boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION recist.set_login(p_name text, p_login boolean) TO recist_reluth_schema4_dbe68d_member;


--
-- Name: TABLE account_event; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.account_event TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.account_event TO recist_reluth_schema4_dbe68d_reader;
GRANT INSERT ON TABLE recist.account_event TO recist_reluth_schema4_dbe68d_adjudicator;
GRANT INSERT ON TABLE recist.account_event TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE account_setting; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.account_setting TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.account_setting TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE adjudication; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.adjudication TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.adjudication TO recist_reluth_schema4_dbe68d_adjudicator;


--
-- Name: TABLE adjudication_setting; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.adjudication_setting TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.adjudication_setting TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE app_user; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.app_user TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.app_user TO recist_reluth_schema4_dbe68d_reader;
GRANT INSERT ON TABLE recist.app_user TO recist_reluth_schema4_dbe68d_adjudicator;
GRANT INSERT ON TABLE recist.app_user TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE audit_record; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.audit_record TO recist_reluth_schema4_dbe68d_member;


--
-- Name: TABLE axis_measurement; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.axis_measurement TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.axis_measurement TO recist_reluth_schema4_dbe68d_reader;


--
-- Name: TABLE change_log; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.change_log TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.change_log TO recist_reluth_schema4_dbe68d_reader;
GRANT INSERT ON TABLE recist.change_log TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: SEQUENCE change_log_change_id_seq; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT USAGE ON SEQUENCE recist.change_log_change_id_seq TO recist_reluth_schema4_dbe68d_reader;
GRANT USAGE ON SEQUENCE recist.change_log_change_id_seq TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE image_file; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.image_file TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.image_file TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE image_update; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.image_update TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.image_update TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE lesion_version; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.lesion_version TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.lesion_version TO recist_reluth_schema4_dbe68d_reader;


--
-- Name: TABLE observation_version; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.observation_version TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.observation_version TO recist_reluth_schema4_dbe68d_reader;


--
-- Name: TABLE project_info; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.project_info TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.project_info TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE reread; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.reread TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.reread TO recist_reluth_schema4_dbe68d_reader;


--
-- Name: TABLE series_choice; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.series_choice TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.series_choice TO recist_reluth_schema4_dbe68d_reader;


--
-- Name: TABLE signature; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.signature TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.signature TO recist_reluth_schema4_dbe68d_reader;


--
-- Name: TABLE store_version; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.store_version TO recist_reluth_schema4_dbe68d_member;


--
-- Name: TABLE subject; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.subject TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.subject TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE subject_reference; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.subject_reference TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.subject_reference TO recist_reluth_schema4_dbe68d_administrator;


--
-- Name: TABLE timepoint; Type: ACL; Schema: recist; Owner: recist_reluth_schema4_dbe68d_owner
--

GRANT SELECT ON TABLE recist.timepoint TO recist_reluth_schema4_dbe68d_member;
GRANT INSERT ON TABLE recist.timepoint TO recist_reluth_schema4_dbe68d_administrator;


--
-- PostgreSQL database dump complete
--


