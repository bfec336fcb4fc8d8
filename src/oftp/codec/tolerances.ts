// The named deviations from RFC 5024 that the decoder accepts from real peers ("liberal in what it
// accepts"). Each one is reported on the decoded command so traces can show what a partner got wrong.

export const TOLERANCES = {
  'lf-terminator':
    'LF (0x0A) instead of CR (0x0D) or 0x8D as the SSRM/SSID/ESID terminator (seen from the Go oftp2-client).',
  'ssrm-without-trailing-space': "SSRM message 'ODETTE FTP READY' without the trailing space the RFC puts in it.",
  'esid-short-form': 'ESID in the 4-octet OFTP 1.x layout (no reason text) during an OFTP 2.0 session (as Accord sends).',
  'esid-long-form': 'ESID in the OFTP 2.0 layout (with reason text) during an OFTP 1.x session.',
  'lenient-x-field':
    'Printable ASCII outside the ISO 646 subset (lower case, underscore, ...) or an embedded space in an X field.',
  'space-padded-numeric': 'Numeric field padded with leading spaces instead of zeros, or all spaces for zero.',
  'sth-flags-nonzero': 'Stream Transmission Header flags nibble other than 0000 (reserved).',
  'data-buffer-one-over':
    'DATA buffer one octet longer than the negotiated SSIDSDEB (peer did not count the command octet).',
  'padding-after-eof': 'Zero-length subrecords after the end-of-file subrecord of a U or T file.',
  'missing-final-eor': 'U or T file ended by EFID without an end-of-record flag on its last subrecord.',
  'text-record-per-line': 'T file sent as one record per line, without CR-LF in the data: CR-LF is restored.',
  'esid-without-cd':
    'Speaker ended the session with ESID 00 without first handing over the turn with CD (Go oftp2-client); files already acknowledged are kept.',
} as const;

export type Tolerance = keyof typeof TOLERANCES;
