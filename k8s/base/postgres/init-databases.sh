#!/bin/bash
# Runs once, on an empty data directory: the vigil database, in which tenants and detection each own a schema
# (created by their Flyway as their own role, so neither can read or change the other's), and Keycloak's database.
# Each service logs in as its own role; the database's owner role logs in as nobody.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v tenants_password="$TENANTS_PASSWORD" -v detection_password="$DETECTION_PASSWORD" \
  -v keycloak_password="$KEYCLOAK_PASSWORD" <<'SQL'
CREATE ROLE vigil NOLOGIN;
CREATE DATABASE vigil OWNER vigil;
REVOKE ALL ON DATABASE vigil FROM PUBLIC;
CREATE ROLE vigil_tenants LOGIN PASSWORD :'tenants_password';
CREATE ROLE vigil_detection LOGIN PASSWORD :'detection_password';
GRANT CONNECT, CREATE ON DATABASE vigil TO vigil_tenants, vigil_detection;
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
SQL
