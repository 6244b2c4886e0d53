// Runs for each batch of row changes of the `orders` table, in commit order.
exports.handler = async (event) => {
  for (const change of event.Records) {
    console.log(`order ${change.key.id} ${change.op}: ${JSON.stringify(change.before)} -> ${JSON.stringify(change.after)}`);
  }
  return {};
};
