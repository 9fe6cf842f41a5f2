module.exports = require('../../tools/build/service.webpack')(__dirname);
