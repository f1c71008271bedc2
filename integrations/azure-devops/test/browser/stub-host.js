// A stub of the Azure DevOps web host, for the results tab's browser test (named a stub: the real
// host cannot run here). It frames the tab and answers the extension SDK's XDM messages the way
// the host does: the initial handshake (with the build results view's onBuildChanged as a proxied
// function), the location service, an access token, and the load notifications, which it records
// in window.hostEvents for the test to read.
/* global window, document */
(function () {
  const TOKEN = 'stub-token';
  const BUILD = { id: 42, project: { id: 'proj-1', name: 'Shop' } };
  const frame = document.getElementById('tab');
  const events = [];
  window.hostEvents = events;
  let nextId = 1000;
  const post = (message) => frame.contentWindow.postMessage(JSON.stringify(message), '*');
  const reply = (message, result) => post({ id: message.id, result, handshakeToken: message.handshakeToken });

  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || typeof event.data !== 'string') return;
    const message = JSON.parse(event.data);
    if (!message.instanceId) return; // a reply to one of ours
    events.push(message.methodName);
    switch (message.methodName) {
      case 'initialHandshake':
        return reply(message, {
          contributionId: 'tollgate.tollgate.tollgate-results-tab',
          context: {
            extension: { publisherId: 'tollgate', extensionId: 'tollgate', version: '0.1.0' },
            user: { id: 'u1', name: 'ci', displayName: 'CI', descriptor: 'u1', imageUrl: '' },
            host: { id: 'h1', name: 'acme', serviceVersion: 'stub', type: 4, isHosted: true },
            pageContext: { webContext: { project: BUILD.project, team: null } },
          },
          initialConfig: { onBuildChanged: { __proxyFunctionId: 1 } },
        });
      case 'proxy1': {
        // onBuildChanged(handler): answer, then call the handler with the build.
        reply(message, undefined);
        const handler = message.params[0];
        return post({ id: nextId++, methodName: `proxy${handler.__proxyFunctionId}`, instanceId: '__proxyFunctions', params: [BUILD] });
      }
      case 'getService':
        return reply(message, message.params[0] === 'ms.vss-features.location-service' ? { getResourceAreaLocation: { __proxyFunctionId: 2 } } : undefined);
      case 'proxy2':
        return reply(message, `${window.location.origin}/acme/`);
      case 'getAccessToken':
        return reply(message, { token: TOKEN });
      default:
        return reply(message, undefined);
    }
  });
  frame.src = '/ext/tab/tab.html';
})();
