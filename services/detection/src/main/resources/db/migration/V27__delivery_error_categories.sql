-- The delivery log shows API callers a category of failure, not the details (what a name resolved to, which internal
-- address refused): those go to the server log. Rows written before keep no details either.
UPDATE notification_deliveries SET last_error = CASE
    WHEN last_error LIKE '%non-public address%' THEN 'refused: non-public address'
    WHEN last_error LIKE 'unknown host%' THEN 'refused: unknown host'
    WHEN last_error ~ '^HTTP [0-9]{3}$' THEN last_error
    WHEN last_error = 'destination disabled' THEN last_error
    WHEN last_error LIKE 'bad URL%' THEN 'bad URL'
    WHEN last_error LIKE '%too large for UDP' THEN 'message too large for UDP'
    WHEN last_error ILIKE '%timeout%' OR last_error ILIKE '%timed out%' THEN 'timed out'
    WHEN last_error ILIKE '%SSL%' OR last_error ILIKE '%handshake%' THEN 'TLS failed'
    WHEN last_error ILIKE '%connect%' OR last_error ILIKE '%refused%' OR last_error ILIKE '%unreachable%' THEN 'connect failed'
    ELSE 'send failed'
END
WHERE last_error IS NOT NULL;
