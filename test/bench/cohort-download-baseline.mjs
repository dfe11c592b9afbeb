// The baseline of bench:cohorts: each cohort's request → poll → file with fetch, counting the member
// file's lines as they arrive. Nothing is parsed or written: the least any cohort download can cost.
import fetch from "node-fetch";
const base = process.env.AMPLITUDE_API_URL;
const headers = {
  authorization: `Basic ${Buffer.from(`${process.env.AMP_API_KEY}:${process.env.AMP_SECRET_KEY}`).toString("base64")}`,
};
const get = async (path) => {
  const response = await fetch(`${base}${path}`, { headers });
  if (!response.ok && response.status !== 202) throw new Error(`${path}: ${response.status}`);
  return response;
};
const { cohorts } = await (await get("/api/3/cohorts")).json();
let lines = 0;
for (const cohort of cohorts) {
  const { request_id: requestId } = await (await get(`/api/5/cohorts/request/${cohort.id}`)).json();
  while (
    (await (await get(`/api/5/cohorts/request-status/${requestId}`)).json()).async_status !== "JOB COMPLETED"
  );
  const file = await get(`/api/5/cohorts/request/${requestId}/file`);
  for await (const chunk of file.body) for (const byte of chunk) if (byte === 10) lines += 1;
}
console.log(`${lines} lines`);
