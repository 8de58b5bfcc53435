/**
 * How a worker event sits in the event store. Its data is the domain event's data with every personal
 * field replaced by its seal under `sealed`; its metadata says who recorded it, where, and which
 * destination country it concerns. The stream (`worker-<id>`), version, event id, occurred-at and
 * recorded-at are the row's own columns. Together they are everything the event's message on the
 * registration topic is made of, so that the relay can build it from the row alone. The format is the
 * write-side kit's, shared by every event-sourced service.
 */
export { fromStoredSeal, toStoredSeal, type StoredMetadata, type StoredSeal } from '@homeward/command-handling/streams';
