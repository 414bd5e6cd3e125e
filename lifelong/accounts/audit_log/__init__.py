"""The audit viewer (`/console/audit/`): the audit log of an admin's subtree, filtered, paged
and exportable, and where a person's events are filed. The log itself (`AuditEvent`,
`audit_record`) is the kernel's: `lifelong.common`."""
