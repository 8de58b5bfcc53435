// A little demo data, written through the public API (never straight into tables): workers from a few
// origin areas, departures to the main destinations, and returns of every kind, including an
// undocumented returnee. Deterministic, and skipped when the registry already holds workers.

const givenNames = { F: ['Maria', 'Ana', 'Siti', 'Nirmala', 'Rosa', 'Lakshmi'], M: ['Jose', 'Ram', 'Budi', 'Kamal', 'Pedro', 'Arjun'] };
const familyNames = ['Santos', 'Reyes', 'Shrestha', 'Wijaya', 'Perera', 'Cruz', 'Gurung', 'Rahman'];
const destinations = ['SA', 'AE', 'QA', 'KW', 'MY', 'HK', 'SG'];
const occupations = ['9111', '5322', '7112', '8322', '9313', '5120', '7212'];
const reasons = ['contract_completed', 'contract_completed', 'terminated_early', 'abuse_or_exploitation', 'illness_or_injury', 'voluntary'];

async function post(base, path, body) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const payload = await response.json();
  if (!response.ok) throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(payload)}`);
  return payload;
}

export async function loadDemoData(base, token, count = 24) {
  const existing = await (await fetch(`${base}/workers?limit=1`, { headers: { authorization: `Bearer ${token}` } })).json();
  if (existing.items?.length) return 'already present (kept as it is)';
  for (let i = 0; i < count; i++) {
    const sex = i % 3 === 0 ? 'M' : 'F';
    const names = givenNames[sex];
    const worker = await post(base, token, '/workers', {
      personalData: {
        givenName: names[i % names.length],
        familyName: familyNames[i % familyNames.length],
        dateOfBirth: `${1975 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}`,
      },
      sex,
      originArea: `PH-0${1 + (i % 8)}`,
      educationIsced: i % 6,
      languages: ['tl', 'en'].slice(0, 1 + (i % 2)),
    });
    if (i % 8 === 7) {
      await post(base, token, `/workers/${worker.workerId}/returns`, {
        returnedOn: '2025-03-01',
        fromCountry: 'MY',
        assistance: 'assisted',
        reason: 'deportation',
      });
      continue;
    }
    const year = 2019 + (i % 5);
    await post(base, token, `/workers/${worker.workerId}/departures`, {
      destinationCountry: destinations[i % destinations.length],
      departedOn: `${year}-0${1 + (i % 9)}-15`,
      employerName: `Employer ${i}`,
      occupationIsco: occupations[i % occupations.length],
      contractStart: `${year}-0${1 + (i % 9)}-20`,
      contractEnd: `${year + 2}-0${1 + (i % 9)}-19`,
      channel: i % 5 === 0 ? 'irregular' : 'regular',
      recruitmentCost: { currency: 'PHP', amountMinor: 2_000_000 + i * 10_000 },
      monthlyWage: { currency: 'USD', amountMinor: 40_000 + i * 1_000 },
    });
    if (i % 2 === 0) {
      await post(base, token, `/workers/${worker.workerId}/returns`, {
        returnedOn: `${year + 1}-1${i % 3}-0${1 + (i % 9)}`,
        fromCountry: destinations[i % destinations.length],
        assistance: i % 4 === 0 ? 'assisted' : 'unassisted',
        reason: reasons[i % reasons.length],
      });
    }
  }
  return `${count} workers registered through the API`;
}
