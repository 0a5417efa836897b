/**
 * The JDBC store (H2 by default, PostgreSQL at scale) migrated by Flyway: incidents,
 * mitigations, actions, notifications, feedback, audit log, access keys.
 */
package io.shadow.mitigation.store;
