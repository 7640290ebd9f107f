package org.vaadin.addons.livesync.internal.capture;

import java.time.Instant;

import org.vaadin.addons.livesync.internal.decode.Lsn;

/**
 * The stream (re)started. Unless it is {@code continuous}, changes committed before
 * {@code resumedAt} and not delivered may be missing, so whatever was loaded before must be loaded
 * again. Sent once per (re)connect, before the first transaction of the new stream.
 * Immutable and thread-safe (a record of immutable values).
 *
 * @param initial    whether this is the first connect of the listener (nothing was streamed before)
 * @param continuous whether nothing was missed: the new stream reads the same server history from
 *                   a permanent slot that existed before, which resumes at or before the last
 *                   delivered transaction (the listener skips what was delivered already), so every
 *                   change after it arrives, once and in order, and nothing needs loading again
 * @param resumedAt  the position the new stream starts at
 * @param at         when the stream started
 * @param reason     why the previous stream ended, or "start"
 * @param serverRestarted whether the server is not the one the previous stream read from: it
 *                   restarted meanwhile (another postmaster start time) or it is another server
 *                   (another WAL history); the connections opened to it before are gone. Never
 *                   for the initial gap, nor when the start time could not be told.
 */
public record Gap(boolean initial, boolean continuous, Lsn resumedAt, Instant at, String reason,
                  boolean serverRestarted) {
}
