import { get } from 'node:http';

/**
 * GETs a URL with a fresh connection (no keep-alive agent, so no socket outlives the
 * request) and parses the JSON body.
 */
export function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => (body += text));
      response.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (error) {
          reject(error);
        }
      });
    }).on('error', reject);
  });
}
