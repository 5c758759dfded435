export { type AuditSink, createMemoryJournal, type MemoryJournal, type MemoryJournalOptions } from './journal.js';
