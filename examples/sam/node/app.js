// An HTTP API (payload v2.0) handler: a plain object result becomes the JSON body.
export const handler = async (event, context) => {
  const name = event.queryStringParameters?.name ?? 'world';
  console.log(`${context.functionName} greets ${name} (request ${context.awsRequestId})`);
  return { message: `${process.env.GREETING} ${name} from Node.js ${process.versions.node}` };
};
