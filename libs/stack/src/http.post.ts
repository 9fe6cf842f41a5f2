import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface Posted {
  /** The answer's status; 0 when none came (connection refused or reset). */
  status: number;
  body: string;
}

/**
 * POSTs over kept-alive connections with Node's own HTTP client. A load generator shares the
 * two cores with what it measures: `fetch` cost its process about 0.55 ms of CPU per request,
 * this about 0.13 ms (the same requests, 64 at a time, against a bare server).
 */
export class HttpPoster {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

  /**
   * `onWritten` is called once the whole request has been handed to the operating system: from
   * then on it is in flight, whether or not the server has read it yet.
   */
  post(url: string, headers: Record<string, string>, body?: string, onWritten?: () => void): Promise<Posted> {
    return this.send(url, headers, body, onWritten, true);
  }

  private send(
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    onWritten: (() => void) | undefined,
    retry: boolean,
  ): Promise<Posted> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const length = body === undefined ? 0 : Buffer.byteLength(body);
    return new Promise((resolve) => {
      const request = send(
        target,
        { method: 'POST', agent: secure ? this.https : this.http, headers: { ...headers, 'content-length': String(length) } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
          response.on('error', () => resolve({ status: 0, body: '' }));
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        // The server closed a kept-alive connection as this request went out on it: the
        // request never reached the service, so it is sent again, once, on a new connection.
        if (retry && request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
          resolve(this.send(url, headers, body, onWritten, false));
        } else resolve({ status: 0, body: '' });
      });
      if (onWritten) request.once('finish', onWritten);
      request.end(body);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
