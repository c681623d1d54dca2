#!/usr/bin/env node
// tests/twilio/spec.mjs: Twilio's OpenAPI description for Prism, with the two
// places where the spec contradicts what the live API sends, and only those,
// relaxed so that `prism proxy --errors` accepts answers shaped like Twilio's:
//
//   1. List envelopes (the List...Response schemas): `uri`, `first_page_uri`,
//      `next_page_uri` and `previous_page_uri` are `format: uri`, which wants
//      an absolute URI; Twilio sends them relative to https://api.twilio.com
//      ("/2010-04-01/Accounts.json?PageSize=50&Page=0"), and so do the spec's
//      own examples. The format is dropped there.
//   2. AvailablePhoneNumbers: `latitude` and `longitude` are `type: number`;
//      Twilio sends strings ("19.720000"), and so does the spec's example.
//      Either is accepted.
//
// Everything else (paths, parameters, required fields, enums, patterns, every
// other schema) is Twilio's file as it is.
//
//   node tests/twilio/spec.mjs IN.json OUT.json
//
// Also importable: patchSpec(object) returns the count of changes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PAGE_URIS = ['uri', 'first_page_uri', 'next_page_uri', 'previous_page_uri'];

export function patchSpec(spec) {
	let changes = 0;
	for (const item of Object.values(spec.paths || {})) {
		for (const op of Object.values(item)) {
			if (!op || typeof op !== 'object' || !op.responses) continue;
			for (const r of Object.values(op.responses)) {
				for (const c of Object.values(r.content || {})) {
					const props = c.schema && c.schema.properties;
					if (!props || !props.first_page_uri) continue; // not a list envelope
					for (const k of PAGE_URIS) {
						if (props[k] && props[k].format === 'uri') {
							delete props[k].format;
							changes++;
						}
					}
				}
			}
		}
	}
	for (const [name, schema] of Object.entries(spec.components?.schemas || {})) {
		if (!name.startsWith('api.v2010.account.available_phone_number_country.')) continue;
		for (const k of ['latitude', 'longitude']) {
			const p = schema.properties && schema.properties[k];
			if (p && p.type === 'number') {
				const { type: _t, ...rest } = p;
				schema.properties[k] = { ...rest, oneOf: [{ type: 'number' }, { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' }] };
				changes++;
			}
		}
	}
	return changes;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const [inFile, outFile] = process.argv.slice(2);
	if (!inFile || !outFile) {
		console.error('usage: node tests/twilio/spec.mjs IN.json OUT.json');
		process.exit(2);
	}
	const spec = JSON.parse(fs.readFileSync(inFile, 'utf8'));
	const n = patchSpec(spec);
	const tmp = `${outFile}.tmp`;
	fs.writeFileSync(tmp, JSON.stringify(spec));
	fs.renameSync(tmp, outFile);
	console.log(`spec: ${n} relaxations written to ${outFile}`);
}
