'use strict';

// An SCF API-gateway handler: the event carries queryString, the result is an
// integrated response (statusCode, headers, body).
exports.main_handler = async (event, context) => {
  const name = (event.queryString && event.queryString.name) || 'world';
  console.log(`${context.function_name} greets ${name} (request ${context.request_id})`);
  return {
    isBase64Encoded: false,
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: `${process.env.GREETING} ${name} from Node.js ${process.versions.node}` }),
  };
};
