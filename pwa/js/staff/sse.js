/**
 * Server-sent events read with fetch(), because EventSource cannot send an Authorization
 * header. A small parser for the text/event-stream format (WHATWG HTML §9.2) and a follower
 * that reconnects after the server's `retry` delay.
 */
import { staffFetch } from './auth.js';

/** An incremental parser: feed(text) returns the complete events [{event, data, id}]. */
export function eventStreamParser() {
  let buffer = '';
  let data = [];
  let type = '';
  let lastId = '';
  let retry = null;
  return {
    get retry() {
      return retry;
    },
    get lastId() {
      return lastId;
    },
    feed(text) {
      buffer += text;
      const events = [];
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop(); // an unfinished line waits for the next chunk
      for (const line of lines) {
        if (line === '') {
          if (data.length) events.push({ event: type || 'message', data: data.join('\n'), id: lastId });
          data = [];
          type = '';
          continue;
        }
        if (line.startsWith(':')) continue; // a comment
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') data.push(value);
        else if (field === 'event') type = value;
        else if (field === 'id' && !value.includes('\0')) lastId = value;
        else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
      }
      return events;
    },
  };
}

/**
 * Follow an event stream: onEvent({event, data}) for each event, onState(state, result) with
 * 'connecting' | 'open' | 'waiting' (reconnecting soon) | 'stopped' (refused: result says why).
 * `fetcher(path, {accept, signal})` reads with another credential than the staff sign-in.
 * Returns {stop()}.
 */
export function followEvents(path, { onEvent, onState = () => {}, fetcher = staffFetch }) {
  let stopped = false;
  let controller = null;
  let timer = 0;
  let retryMs = 3000;

  async function connect() {
    if (stopped) return;
    controller = new AbortController();
    onState('connecting');
    const result = await fetcher(path, { accept: 'text/event-stream', signal: controller.signal });
    if (stopped) return;
    if (!result.ok) {
      if (result.status === 0 || result.status >= 500 || result.status === 429) return later();
      stopped = true;
      onState('stopped', result);
      return;
    }
    onState('open');
    const parser = eventStreamParser();
    const reader = result.response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.feed(decoder.decode(value, { stream: true }))) onEvent(event);
        if (parser.retry !== null) retryMs = parser.retry;
      }
    } catch {
      /* the connection dropped or we stopped it */
    }
    later();
  }

  function later() {
    if (stopped) return;
    onState('waiting');
    clearTimeout(timer);
    timer = setTimeout(connect, retryMs);
  }

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (controller) controller.abort();
    },
  };
}
