-- Run once by the postgres image, when docker compose first creates its data volume
-- (files in /docker-entrypoint-initdb.d run only against an empty data directory).
-- One database per service; each service creates its own tables on start.
CREATE DATABASE homeward_registration;
CREATE DATABASE homeward_skills;
CREATE DATABASE homeward_employment;
CREATE DATABASE homeward_fund;
CREATE DATABASE homeward_agency_view;
CREATE DATABASE homeward_mission_view_sa;
CREATE DATABASE homeward_mission_view_ae;
CREATE DATABASE homeward_statistics;
