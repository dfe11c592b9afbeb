import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  require_es_define_property,
  require_gopd,
  require_syntax,
  require_type
} from "./chunk-SZTBGUUW.js";
import {
  MANIFESTS_PREFIX,
  compactTime,
  parseMemberName
} from "./chunk-24GUI5YC.js";
import {
  DEFAULT_BACKOFF,
  backoffDelay,
  realSleep
} from "./chunk-6K2WFAIU.js";
import {
  validateGzip
} from "./chunk-DDMIIEV4.js";
import {
  fetch,
  init_src
} from "./chunk-ZCLQKLML.js";
import {
  makeFolder
} from "./chunk-MWCMZDA4.js";
import {
  DEFAULT_MAX_LINE_BYTES,
  MAX_CONCURRENCY
} from "./chunk-XV34QLYJ.js";
import {
  cutWindows,
  formatApiHour,
  formatHour,
  formatWindow,
  splitWindow,
  windowHours
} from "./chunk-2ZKHZUYU.js";
import {
  ConfigurationError,
  ExternalServiceError,
  errorMessage
} from "./chunk-Z6P62WD7.js";
import {
  __commonJS,
  __esm,
  __export,
  __require,
  __toCommonJS,
  __toESM
} from "./chunk-QNAMUATI.js";

// node_modules/object-keys/isArguments.js
var require_isArguments = __commonJS({
  "node_modules/object-keys/isArguments.js"(exports, module) {
    "use strict";
    var toStr = Object.prototype.toString;
    module.exports = function isArguments(value) {
      var str = toStr.call(value);
      var isArgs = str === "[object Arguments]";
      if (!isArgs) {
        isArgs = str !== "[object Array]" && value !== null && typeof value === "object" && typeof value.length === "number" && value.length >= 0 && toStr.call(value.callee) === "[object Function]";
      }
      return isArgs;
    };
  }
});

// node_modules/object-keys/implementation.js
var require_implementation = __commonJS({
  "node_modules/object-keys/implementation.js"(exports, module) {
    "use strict";
    var keysShim;
    if (!Object.keys) {
      has = Object.prototype.hasOwnProperty;
      toStr = Object.prototype.toString;
      isArgs = require_isArguments();
      isEnumerable = Object.prototype.propertyIsEnumerable;
      hasDontEnumBug = !isEnumerable.call({ toString: null }, "toString");
      hasProtoEnumBug = isEnumerable.call(function() {
      }, "prototype");
      dontEnums = [
        "toString",
        "toLocaleString",
        "valueOf",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "constructor"
      ];
      equalsConstructorPrototype = function(o) {
        var ctor = o.constructor;
        return ctor && ctor.prototype === o;
      };
      excludedKeys = {
        $applicationCache: true,
        $console: true,
        $external: true,
        $frame: true,
        $frameElement: true,
        $frames: true,
        $innerHeight: true,
        $innerWidth: true,
        $onmozfullscreenchange: true,
        $onmozfullscreenerror: true,
        $outerHeight: true,
        $outerWidth: true,
        $pageXOffset: true,
        $pageYOffset: true,
        $parent: true,
        $scrollLeft: true,
        $scrollTop: true,
        $scrollX: true,
        $scrollY: true,
        $self: true,
        $webkitIndexedDB: true,
        $webkitStorageInfo: true,
        $window: true
      };
      hasAutomationEqualityBug = (function() {
        if (typeof window === "undefined") {
          return false;
        }
        for (var k in window) {
          try {
            if (!excludedKeys["$" + k] && has.call(window, k) && window[k] !== null && typeof window[k] === "object") {
              try {
                equalsConstructorPrototype(window[k]);
              } catch (e) {
                return true;
              }
            }
          } catch (e) {
            return true;
          }
        }
        return false;
      })();
      equalsConstructorPrototypeIfNotBuggy = function(o) {
        if (typeof window === "undefined" || !hasAutomationEqualityBug) {
          return equalsConstructorPrototype(o);
        }
        try {
          return equalsConstructorPrototype(o);
        } catch (e) {
          return false;
        }
      };
      keysShim = function keys(object) {
        var isObject = object !== null && typeof object === "object";
        var isFunction = toStr.call(object) === "[object Function]";
        var isArguments = isArgs(object);
        var isString = isObject && toStr.call(object) === "[object String]";
        var theKeys = [];
        if (!isObject && !isFunction && !isArguments) {
          throw new TypeError("Object.keys called on a non-object");
        }
        var skipProto = hasProtoEnumBug && isFunction;
        if (isString && object.length > 0 && !has.call(object, 0)) {
          for (var i = 0; i < object.length; ++i) {
            theKeys.push(String(i));
          }
        }
        if (isArguments && object.length > 0) {
          for (var j = 0; j < object.length; ++j) {
            theKeys.push(String(j));
          }
        } else {
          for (var name in object) {
            if (!(skipProto && name === "prototype") && has.call(object, name)) {
              theKeys.push(String(name));
            }
          }
        }
        if (hasDontEnumBug) {
          var skipConstructor = equalsConstructorPrototypeIfNotBuggy(object);
          for (var k = 0; k < dontEnums.length; ++k) {
            if (!(skipConstructor && dontEnums[k] === "constructor") && has.call(object, dontEnums[k])) {
              theKeys.push(dontEnums[k]);
            }
          }
        }
        return theKeys;
      };
    }
    var has;
    var toStr;
    var isArgs;
    var isEnumerable;
    var hasDontEnumBug;
    var hasProtoEnumBug;
    var dontEnums;
    var equalsConstructorPrototype;
    var excludedKeys;
    var hasAutomationEqualityBug;
    var equalsConstructorPrototypeIfNotBuggy;
    module.exports = keysShim;
  }
});

// node_modules/object-keys/index.js
var require_object_keys = __commonJS({
  "node_modules/object-keys/index.js"(exports, module) {
    "use strict";
    var slice = Array.prototype.slice;
    var isArgs = require_isArguments();
    var origKeys = Object.keys;
    var keysShim = origKeys ? function keys(o) {
      return origKeys(o);
    } : require_implementation();
    var originalKeys = Object.keys;
    keysShim.shim = function shimObjectKeys() {
      if (Object.keys) {
        var keysWorksWithArguments = (function() {
          var args = Object.keys(arguments);
          return args && args.length === arguments.length;
        })(1, 2);
        if (!keysWorksWithArguments) {
          Object.keys = function keys(object) {
            if (isArgs(object)) {
              return originalKeys(slice.call(object));
            }
            return originalKeys(object);
          };
        }
      } else {
        Object.keys = keysShim;
      }
      return Object.keys || keysShim;
    };
    module.exports = keysShim;
  }
});

// node_modules/define-data-property/index.js
var require_define_data_property = __commonJS({
  "node_modules/define-data-property/index.js"(exports, module) {
    "use strict";
    var $defineProperty = require_es_define_property();
    var $SyntaxError = require_syntax();
    var $TypeError = require_type();
    var gopd = require_gopd();
    module.exports = function defineDataProperty(obj, property, value) {
      if (!obj || typeof obj !== "object" && typeof obj !== "function") {
        throw new $TypeError("`obj` must be an object or a function`");
      }
      if (typeof property !== "string" && typeof property !== "symbol") {
        throw new $TypeError("`property` must be a string or a symbol`");
      }
      if (arguments.length > 3 && typeof arguments[3] !== "boolean" && arguments[3] !== null) {
        throw new $TypeError("`nonEnumerable`, if provided, must be a boolean or null");
      }
      if (arguments.length > 4 && typeof arguments[4] !== "boolean" && arguments[4] !== null) {
        throw new $TypeError("`nonWritable`, if provided, must be a boolean or null");
      }
      if (arguments.length > 5 && typeof arguments[5] !== "boolean" && arguments[5] !== null) {
        throw new $TypeError("`nonConfigurable`, if provided, must be a boolean or null");
      }
      if (arguments.length > 6 && typeof arguments[6] !== "boolean") {
        throw new $TypeError("`loose`, if provided, must be a boolean");
      }
      var nonEnumerable = arguments.length > 3 ? arguments[3] : null;
      var nonWritable = arguments.length > 4 ? arguments[4] : null;
      var nonConfigurable = arguments.length > 5 ? arguments[5] : null;
      var loose = arguments.length > 6 ? arguments[6] : false;
      var desc = !!gopd && gopd(obj, property);
      if ($defineProperty) {
        $defineProperty(obj, property, {
          configurable: nonConfigurable === null && desc ? desc.configurable : !nonConfigurable,
          enumerable: nonEnumerable === null && desc ? desc.enumerable : !nonEnumerable,
          value,
          writable: nonWritable === null && desc ? desc.writable : !nonWritable
        });
      } else if (loose || !nonEnumerable && !nonWritable && !nonConfigurable) {
        obj[property] = value;
      } else {
        throw new $SyntaxError("This environment does not support defining a property as non-configurable, non-writable, or non-enumerable.");
      }
    };
  }
});

// node_modules/has-property-descriptors/index.js
var require_has_property_descriptors = __commonJS({
  "node_modules/has-property-descriptors/index.js"(exports, module) {
    "use strict";
    var $defineProperty = require_es_define_property();
    var hasPropertyDescriptors = function hasPropertyDescriptors2() {
      return !!$defineProperty;
    };
    hasPropertyDescriptors.hasArrayLengthDefineBug = function hasArrayLengthDefineBug() {
      if (!$defineProperty) {
        return null;
      }
      try {
        return $defineProperty([], "length", { value: 1 }).length !== 1;
      } catch (e) {
        return true;
      }
    };
    module.exports = hasPropertyDescriptors;
  }
});

// node_modules/define-properties/index.js
var require_define_properties = __commonJS({
  "node_modules/define-properties/index.js"(exports, module) {
    "use strict";
    var keys = require_object_keys();
    var hasSymbols = typeof Symbol === "function" && typeof /* @__PURE__ */ Symbol("foo") === "symbol";
    var toStr = Object.prototype.toString;
    var concat = Array.prototype.concat;
    var defineDataProperty = require_define_data_property();
    var isFunction = function(fn) {
      return typeof fn === "function" && toStr.call(fn) === "[object Function]";
    };
    var supportsDescriptors = require_has_property_descriptors()();
    var defineProperty = function(object, name, value, predicate) {
      if (name in object) {
        if (predicate === true) {
          if (object[name] === value) {
            return;
          }
        } else if (!isFunction(predicate) || !predicate()) {
          return;
        }
      }
      if (supportsDescriptors) {
        defineDataProperty(object, name, value, true);
      } else {
        defineDataProperty(object, name, value);
      }
    };
    var defineProperties = function(object, map) {
      var predicates = arguments.length > 2 ? arguments[2] : {};
      var props = keys(map);
      if (hasSymbols) {
        props = concat.call(props, Object.getOwnPropertySymbols(map));
      }
      for (var i = 0; i < props.length; i += 1) {
        defineProperty(object, props[i], map[props[i]], predicates[props[i]]);
      }
    };
    defineProperties.supportsDescriptors = !!supportsDescriptors;
    module.exports = defineProperties;
  }
});

// node_modules/globalthis/implementation.js
var require_implementation2 = __commonJS({
  "node_modules/globalthis/implementation.js"(exports, module) {
    "use strict";
    module.exports = global;
  }
});

// node_modules/globalthis/polyfill.js
var require_polyfill = __commonJS({
  "node_modules/globalthis/polyfill.js"(exports, module) {
    "use strict";
    var implementation = require_implementation2();
    module.exports = function getPolyfill() {
      if (typeof global !== "object" || !global || global.Math !== Math || global.Array !== Array) {
        return implementation;
      }
      return global;
    };
  }
});

// node_modules/globalthis/shim.js
var require_shim = __commonJS({
  "node_modules/globalthis/shim.js"(exports, module) {
    "use strict";
    var define = require_define_properties();
    var gOPD = require_gopd();
    var getPolyfill = require_polyfill();
    module.exports = function shimGlobal() {
      var polyfill = getPolyfill();
      if (define.supportsDescriptors) {
        var descriptor = gOPD(polyfill, "globalThis");
        if (!descriptor || descriptor.configurable && (descriptor.enumerable || !descriptor.writable || globalThis !== polyfill)) {
          Object.defineProperty(polyfill, "globalThis", {
            configurable: true,
            enumerable: false,
            value: polyfill,
            writable: true
          });
        }
      } else if (typeof globalThis !== "object" || globalThis !== polyfill) {
        polyfill.globalThis = polyfill;
      }
      return polyfill;
    };
  }
});

// node_modules/globalthis/index.js
var require_globalthis = __commonJS({
  "node_modules/globalthis/index.js"(exports, module) {
    "use strict";
    var defineProperties = require_define_properties();
    var implementation = require_implementation2();
    var getPolyfill = require_polyfill();
    var shim = require_shim();
    var polyfill = getPolyfill();
    var getGlobal = function() {
      return polyfill;
    };
    defineProperties(getGlobal, {
      getPolyfill,
      implementation,
      shim
    });
    module.exports = getGlobal;
  }
});

// node_modules/is-it-type/dist/cjs/is-it-type.js
var require_is_it_type = __commonJS({
  "node_modules/is-it-type/dist/cjs/is-it-type.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    var getGlobalThis = require_globalthis();
    function _interopDefaultLegacy(e) {
      return e && typeof e === "object" && "default" in e ? e : { "default": e };
    }
    var getGlobalThis__default = /* @__PURE__ */ _interopDefaultLegacy(getGlobalThis);
    var isArray = Array.isArray;
    function isBoolean(arg) {
      return isType("boolean", arg);
    }
    function isNull(arg) {
      return arg === null;
    }
    function isUndefined(arg) {
      return arg === void 0;
    }
    function isNullOrUndefined(arg) {
      return arg == null;
    }
    function isNumber(arg) {
      return isType("number", arg);
    }
    function isString(arg) {
      return isType("string", arg);
    }
    function isSymbol(arg) {
      return isType("symbol", arg);
    }
    function isRegExp(arg) {
      return arg instanceof RegExp;
    }
    function isDate(arg) {
      return arg instanceof Date;
    }
    function isError(arg) {
      return arg instanceof Error;
    }
    function isFunction(arg) {
      return isType("function", arg);
    }
    function isPrimitive(arg) {
      var type = getType(arg);
      return arg == null || type === "boolean" || type === "number" || type === "string" || type === "symbol";
    }
    function isEmptyString(arg) {
      return arg === "";
    }
    function isFullString(arg) {
      return isString(arg) && !isEmptyString(arg);
    }
    var getPrototypeOf = Object.getPrototypeOf;
    var ObjectPrototype = Object.prototype;
    var globalThis2 = getGlobalThis__default["default"]();
    function isObject(arg) {
      if (!isType("object", arg) || isNull(arg)) return false;
      var proto = getPrototypeOf(arg);
      if (proto === null || proto === ObjectPrototype) return true;
      while (true) {
        var nextProto = getPrototypeOf(proto);
        if (nextProto === null) return true;
        if (nextProto === ObjectPrototype) break;
        proto = nextProto;
      }
      return isNotNativeProto(proto);
    }
    function isNotNativeProto(proto) {
      var nativeProtos = [];
      for (var _i = 0, _arr = ["Function", "Array", "Number", "Boolean", "String", "Symbol", "Date", "Promise", "RegExp", "Error", "ArrayBuffer", "DataView", "Map", "BigInt", "Set", "WeakMap", "WeakSet", "SharedArrayBuffer", "FinalizationRegistry", "WeakRef", "URL", "URLSearchParams", "TextEncoder", "TextDecoder"]; _i < _arr.length; _i++) {
        var ctorName = _arr[_i];
        var ctor = globalThis2[ctorName];
        if (ctor) nativeProtos.push(ctor.prototype);
      }
      if (typeof Uint8Array === "function") nativeProtos.push(getPrototypeOf(Uint8Array.prototype));
      if (typeof Set === "function") {
        nativeProtos = new Set(nativeProtos);
        isNotNativeProto = function isNotNativeProto2(p) {
          return !nativeProtos.has(p);
        };
      } else {
        isNotNativeProto = function isNotNativeProto2(p) {
          return !nativeProtos.includes(p);
        };
      }
      return isNotNativeProto(proto);
    }
    function isEmptyObject(arg) {
      return isObject(arg) && Object.keys(arg).length === 0;
    }
    function isInteger(arg) {
      return Number.isInteger(arg);
    }
    function isPositiveInteger(arg) {
      return isInteger(arg) && arg > 0;
    }
    function isPositiveIntegerOrZero(arg) {
      return isInteger(arg) && arg >= 0;
    }
    function isNegativeInteger(arg) {
      return isInteger(arg) && arg < 0;
    }
    function isNegativeIntegerOrZero(arg) {
      return isInteger(arg) && arg <= 0;
    }
    function isType(type, arg) {
      return getType(arg) === type;
    }
    function getType(arg) {
      return typeof arg;
    }
    exports.isArray = isArray;
    exports.isBoolean = isBoolean;
    exports.isDate = isDate;
    exports.isEmptyObject = isEmptyObject;
    exports.isEmptyString = isEmptyString;
    exports.isError = isError;
    exports.isFullString = isFullString;
    exports.isFunction = isFunction;
    exports.isInteger = isInteger;
    exports.isNegativeInteger = isNegativeInteger;
    exports.isNegativeIntegerOrZero = isNegativeIntegerOrZero;
    exports.isNull = isNull;
    exports.isNullOrUndefined = isNullOrUndefined;
    exports.isNumber = isNumber;
    exports.isObject = isObject;
    exports.isPositiveInteger = isPositiveInteger;
    exports.isPositiveIntegerOrZero = isPositiveIntegerOrZero;
    exports.isPrimitive = isPrimitive;
    exports.isRegExp = isRegExp;
    exports.isString = isString;
    exports.isSymbol = isSymbol;
    exports.isType = isType;
    exports.isUndefined = isUndefined;
  }
});

// node_modules/is-it-type/index.js
var require_is_it_type2 = __commonJS({
  "node_modules/is-it-type/index.js"(exports, module) {
    "use strict";
    module.exports = require_is_it_type();
  }
});

// node_modules/simple-invariant/index.js
var require_simple_invariant = __commonJS({
  "node_modules/simple-invariant/index.js"(exports, module) {
    "use strict";
    var DEFAULT_MESSAGE = "Invariant failed";
    module.exports = function invariant(condition, message) {
      if (!condition) {
        const err = new Error(message || DEFAULT_MESSAGE);
        Error.captureStackTrace(err, invariant);
        throw err;
      }
    };
  }
});

// src/actions/workspace/crc32.ts
var crc32_exports = {};
__export(crc32_exports, {
  crc32: () => crc32
});
import { crc32 as zlibCrc32 } from "node:zlib";
function crc32(input, initialState = 0) {
  return zlibCrc32(input, initialState);
}
var init_crc32 = __esm({
  "src/actions/workspace/crc32.ts"() {
  }
});

// node_modules/yauzl-promise/lib/shared.js
var require_shared = __commonJS({
  "node_modules/yauzl-promise/lib/shared.js"(exports, module) {
    "use strict";
    var INTERNAL_SYMBOL = {};
    var uncertainUncompressedSizeEntriesRegistry = new FinalizationRegistry(
      ({ zip, ref }) => zip._uncertainUncompressedSizeEntryRefs?.delete(ref)
    );
    module.exports = { INTERNAL_SYMBOL, uncertainUncompressedSizeEntriesRegistry };
  }
});

// node_modules/yauzl-promise/lib/utils.js
var require_utils = __commonJS({
  "node_modules/yauzl-promise/lib/utils.js"(exports, module) {
    "use strict";
    var { Writable: WritableStream, promises: { pipeline: pipeline3 } } = __require("stream");
    var assert = require_simple_invariant();
    module.exports = { decodeBuffer, validateFilename, dosDateTimeToDate, readUInt64LE, streamToBuffer };
    function decodeBuffer(buffer, start, isUtf8) {
      if (isUtf8) return buffer.toString("utf8", start);
      let str = "";
      for (let i = start; i < buffer.length; i++) {
        str += CP437_CHARS[buffer[i]];
      }
      return str;
    }
    var CP437_CHARS = "\0☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼ !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⌂ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■ ";
    function validateFilename(filename) {
      assert(filename.indexOf("\\") === -1, `Invalid characters in filename: ${filename}`);
      assert(
        // eslint-disable-next-line no-use-before-define
        !ABSOLUTE_FILENAME_REGEX1.test(filename) && !ABSOLUTE_FILENAME_REGEX2.test(filename),
        `Absolute path: ${filename}`
      );
      assert(filename.split("/").indexOf("..") === -1, `Relative path: ${filename}`);
    }
    var ABSOLUTE_FILENAME_REGEX1 = /^[a-zA-Z]:/;
    var ABSOLUTE_FILENAME_REGEX2 = /^\//;
    function dosDateTimeToDate(date, time) {
      const day = date & 31;
      const month = (date >> 5 & 15) - 1;
      const year = (date >> 9 & 127) + 1980;
      const millisecond = 0;
      const second = (time & 31) * 2;
      const minute = time >> 5 & 63;
      const hour = time >> 11 & 31;
      return new Date(Date.UTC(year, month, day, hour, minute, second, millisecond));
    }
    function readUInt64LE(buffer, offset) {
      return buffer.readUInt32LE(offset + 4) * 4294967296 + buffer.readUInt32LE(offset);
    }
    async function streamToBuffer(stream) {
      const chunks = [];
      const collectStream = new WritableStream({
        write(chunk, encoding, cb) {
          chunks.push(chunk);
          cb();
        }
      });
      await pipeline3(stream, collectStream);
      return Buffer.concat(chunks);
    }
  }
});

// node_modules/yauzl-promise/lib/entry.js
var require_entry = __commonJS({
  "node_modules/yauzl-promise/lib/entry.js"(exports, module) {
    "use strict";
    var { createInflateRaw } = __require("zlib");
    var { Transform: TransformStream, pipeline: pipeline3 } = __require("stream");
    var calculateCrc32 = (init_crc32(), __toCommonJS(crc32_exports)).crc32;
    var { isObject, isBoolean, isPositiveInteger, isPositiveIntegerOrZero } = require_is_it_type2();
    var assert = require_simple_invariant();
    var { INTERNAL_SYMBOL, uncertainUncompressedSizeEntriesRegistry } = require_shared();
    var { dosDateTimeToDate } = require_utils();
    var MAC_LFH_EXTRA_FIELDS_LENGTH = 16;
    var FOUR_GIB = 4294967296;
    var Entry = class {
      /**
       * Class representing ZIP file entry.
       * Class is exported in public interface, for purpose of `instanceof` checks, but constructor cannot
       * be called by user. This is enforced by use of private symbol `INTERNAL_SYMBOL`.
       * @class
       * @param {Object} testSymbol - Must be `INTERNAL_SYMBOL`
       * @param {Object} props - Entry properties (see `Zip` class's `_readEntryAt()` method)
       */
      constructor(testSymbol, props) {
        assert(testSymbol === INTERNAL_SYMBOL, "Entry class cannot be instantiated directly");
        Object.assign(this, props);
      }
      /**
       * Get last modified date as JS `Date` object.
       * @returns {Date} - Date
       */
      getLastMod() {
        return dosDateTimeToDate(this.lastModDate, this.lastModTime);
      }
      /**
       * Get if entry is encrypted.
       * @returns {boolean} - `true` if is encrypted
       */
      isEncrypted() {
        return (this.generalPurposeBitFlag & 1) !== 0;
      }
      /**
       * Get if file data is compressed.
       * Differs slightly from Yauzl's implementation, which only returns `true` if compression method
       * is deflate. This returns `true` if it's compressed with *any* compression method.
       * @returns {boolean} - `true` if file data is compressed
       */
      isCompressed() {
        return this.compressionMethod !== 0;
      }
      /**
       * Get readable stream for file data.
       * @async
       * @param {Object} [options] - Options
       * @param {boolean} [options.decompress=true] - `false` to output raw data without decompression
       * @param {boolean} [options.decrypt=true] - `false` to disable decryption if is encrypted
       *   and output raw encrypted data
       * @param {boolean} [options.validateCrc32=true] - `false` to skip CRC32 validation
       * @param {number} [options.start] - Start offset (only valid if not decompressing)
       * @param {number} [options.end] - End offset (only valid if not decompressing)
       * @returns {Object} - Readable stream
       */
      async openReadStream(options) {
        let decompress, decrypt, validateCrc32, start, end;
        if (options != null) {
          assert(isObject(options), "`options` must be an object if provided");
          const unknownKey = Object.keys(options).find(
            (key) => !["decompress", "decrypt", "validateCrc32", "start", "end"].includes(key)
          );
          assert(unknownKey === void 0, `Unknown option '${unknownKey}'`);
          ({ decompress, decrypt, validateCrc32, start, end } = options);
        }
        if (decrypt == null) {
          decrypt = this.isEncrypted();
        } else {
          assert(isBoolean(decrypt), "`options.decrypt` must be a boolean if provided");
          if (!this.isEncrypted()) decrypt = false;
        }
        assert(!decrypt, "Decryption is not supported");
        if (decompress == null) {
          decompress = this.isCompressed();
        } else {
          assert(isBoolean(decompress), "`options.decompress` must be a boolean if provided");
          if (!this.isCompressed()) decompress = false;
        }
        assert(
          !decompress || this.compressionMethod === 8,
          `Unsupported compression method ${this.compressionMethod}`
        );
        assert(!decompress || !this.isEncrypted(), "Cannot decompress encrypted data");
        if (validateCrc32 == null) {
          validateCrc32 = decompress || !this.isCompressed();
        } else if (validateCrc32 === true) {
          assert(!decompress || !this.isCompressed(), "Cannot validate CRC32 for uncompressed data");
        } else {
          assert(validateCrc32 === false, "`options.validateCrc32` must be a boolean if provided");
        }
        assert(!validateCrc32 || !this.isEncrypted(), "Cannot validate CRC32 of encrypted data");
        if (start == null) {
          start = 0;
        } else if (start !== 0) {
          assert(isPositiveInteger(start), "`options.start` must be a positive integer if provided");
          assert(!decompress, "Cannot stream a section of file if decompressing");
          assert(!validateCrc32, "Cannot validate CRC32 for a section of file");
          assert(start <= this.compressedSize, "`start` is after end of file data");
        }
        if (end == null) {
          end = this.compressedSize;
        } else {
          assert(isPositiveIntegerOrZero(end), "`options.end` must be a positive integer if provided");
          assert(!decompress, "Cannot stream a section of file if decompressing");
          assert(!validateCrc32, "Cannot validate CRC32 for a section of file");
          assert(end <= this.compressedSize, "`end` is after end of file data");
          assert(end >= start, "`end` is before `start`");
        }
        const buffer = await this.zip.reader.read(this.fileHeaderOffset, 30);
        assert(buffer.readUInt32LE(0) === 67324752, "Invalid Local File Header signature");
        const localCrc32 = buffer.readUInt32LE(14);
        const localCompressedSize = buffer.readUInt32LE(18);
        const localUncompressedSize = buffer.readUInt32LE(22);
        const filenameLength = buffer.readUInt16LE(26);
        const extraFieldsLength = buffer.readUInt16LE(28);
        const fileDataOffset = this.fileHeaderOffset + 30 + filenameLength + extraFieldsLength;
        this.fileDataOffset = fileDataOffset;
        if (this.zip.isMacArchive || this.zip.isMaybeMacArchive) {
          const matchesMacSignature = localCrc32 === 0 && localCompressedSize === 0 && localUncompressedSize === 0 && filenameLength === this.filenameLength && extraFieldsLength === this.extraFields.length * MAC_LFH_EXTRA_FIELDS_LENGTH;
          if (this.zip.isMacArchive) {
            assert(matchesMacSignature, "Misidentified Mac OS Archive Utility ZIP");
          } else if (!matchesMacSignature) {
            this.zip._setAsNotMacArchive();
          }
        }
        if (this.compressedSize !== 0) {
          assert(
            fileDataOffset + this.compressedSize <= this.zip.footerOffset,
            `File data overflows file bounds: ${fileDataOffset} + ${this.compressedSize} > ${this.zip.footerOffset}`
          );
        }
        let stream = this.zip.reader.createReadStream(fileDataOffset + start, end - start);
        const streams = [stream];
        if (decompress) {
          streams.push(createInflateRaw());
          if (this.zip.validateEntrySizes) streams.push(new ValidateUncompressedSizeStream(this));
        }
        if (validateCrc32) streams.push(new ValidateCrc32Stream(this.crc32));
        if (streams.length > 1) {
          pipeline3(streams, () => {
          });
          stream = streams[streams.length - 1];
        }
        return stream;
      }
    };
    module.exports = Entry;
    var ValidateUncompressedSizeStream = class extends TransformStream {
      /**
       * Transform stream to compare size of uncompressed stream to expected.
       * If `entry.uncompressedSizeIsCertain === false`, only checks actual byte count is accurate
       * in lower 32 bits. `entry.uncompressedSize` can be inaccurate in faulty Mac OS ZIPs where
       * uncompressed size reported by ZIP is truncated to lower 32 bits.
       * If it proves inaccurate, `entry.uncompressedSize` is updated,
       * and ZIP is flagged as being Mac OS ZIP if it isn't already.
       * @class
       * @param {Object} entry - Entry object
       */
      constructor(entry) {
        super();
        this.byteCount = 0;
        this.expectedByteCount = entry.uncompressedSize;
        this.entry = entry;
      }
      _transform(chunk, encoding, cb) {
        this.byteCount += chunk.length;
        if (this.byteCount > this.expectedByteCount) {
          if (this.entry.uncompressedSizeIsCertain) {
            cb(new Error(
              `Too many bytes in the stream. Expected ${this.expectedByteCount}, got at least ${this.byteCount}.`
            ));
            return;
          }
          if (this.entry.uncompressedSize === this.expectedByteCount) {
            this.expectedByteCount += FOUR_GIB;
            this.entry.uncompressedSize = this.expectedByteCount;
            const { zip } = this.entry;
            if (!zip.isMacArchive) {
              if (!zip.isMaybeMacArchive) {
                cb(new Error("Logic failure. Please raise an issue."));
                return;
              }
              zip._setAsMacArchive(zip.numEntriesRead, zip._entryCursor);
            }
          } else {
            this.expectedByteCount = this.entry.uncompressedSize;
          }
        }
        cb(null, chunk);
      }
      _flush(cb) {
        if (this.byteCount < this.expectedByteCount) {
          cb(new Error(
            `Not enough bytes in the stream. Expected ${this.expectedByteCount}, got only ${this.byteCount}.`
          ));
        } else {
          if (!this.entry.uncompressedSizeIsCertain) {
            this.entry.uncompressedSizeIsCertain = true;
            const ref = this.entry._ref;
            if (ref) {
              this.entry._ref = null;
              this.entry.zip._uncertainUncompressedSizeEntryRefs.delete(ref);
              uncertainUncompressedSizeEntriesRegistry.unregister(ref);
            }
          }
          cb();
        }
      }
    };
    var ValidateCrc32Stream = class extends TransformStream {
      constructor(crc322) {
        super();
        this.crc32 = 0;
        this.expectedCrc32 = crc322;
      }
      _transform(chunk, encoding, cb) {
        this.crc32 = calculateCrc32(chunk, this.crc32);
        cb(null, chunk);
      }
      _flush(cb) {
        if (this.crc32 !== this.expectedCrc32) {
          cb(new Error(`CRC32 validation failed. Expected ${this.expectedCrc32}, received ${this.crc32}.`));
        } else {
          cb();
        }
      }
    };
  }
});

// node_modules/yauzl-promise/lib/zip.js
var require_zip = __commonJS({
  "node_modules/yauzl-promise/lib/zip.js"(exports, module) {
    "use strict";
    var calculateCrc32 = (init_crc32(), __toCommonJS(crc32_exports)).crc32;
    var assert = require_simple_invariant();
    var { isPositiveIntegerOrZero } = require_is_it_type2();
    var Entry = require_entry();
    var { INTERNAL_SYMBOL, uncertainUncompressedSizeEntriesRegistry } = require_shared();
    var { decodeBuffer, validateFilename, readUInt64LE } = require_utils();
    var EOCDR_WITHOUT_COMMENT_SIZE = 22;
    var MAX_EOCDR_COMMENT_SIZE = 65535;
    var MAC_CDH_EXTRA_FIELD_ID = 22613;
    var MAC_CDH_EXTRA_FIELD_LENGTH = 8;
    var MAC_CDH_EXTRA_FIELDS_LENGTH = MAC_CDH_EXTRA_FIELD_LENGTH + 4;
    var MAC_LFH_EXTRA_FIELDS_LENGTH = 16;
    var CDH_MIN_LENGTH = 46;
    var CDH_MAX_LENGTH = CDH_MIN_LENGTH + 65535 * 3;
    var CDH_MAX_LENGTH_MAC = CDH_MIN_LENGTH + 65535 + MAC_CDH_EXTRA_FIELDS_LENGTH;
    var FOUR_GIB = 4294967296;
    var Zip = class {
      /**
       * Class representing ZIP file.
       * Class is exported in public interface, for purpose of `instanceof` checks, but constructor cannot
       * be called by user. This is enforced by use of private symbol `INTERNAL_SYMBOL`.
       * @class
       * @param {Object} testSymbol - Must be `INTERNAL_SYMBOL`
       * @param {Object} reader - `Reader` to use to access the ZIP
       * @param {number} size - Size of ZIP file in bytes
       * @param {Object} options - Options
       * @param {boolean} [options.decodeStrings=true] - Decode filenames and comments to strings
       * @param {boolean} [options.validateEntrySizes=true] - Validate entry sizes
       * @param {boolean} [options.validateFilenames=true] - Validate filenames
       * @param {boolean} [options.strictFilenames=false] - Don't allow backslashes (`\`) in filenames
       * @param {boolean} [options.supportMacArchive=true] - Support Mac OS Archive Utility faulty ZIP files
       */
      constructor(testSymbol, reader, size, options) {
        assert(
          testSymbol === INTERNAL_SYMBOL,
          "Zip class cannot be instantiated directly. Use one of the static methods."
        );
        this.reader = reader;
        this.size = size;
        Object.assign(this, options);
        this.isZip64 = null;
        this.entryCount = null;
        this.entryCountIsCertain = true;
        this.footerOffset = null;
        this.centralDirectoryOffset = null;
        this.centralDirectorySize = null;
        this.centralDirectorySizeIsCertain = true;
        this.comment = null;
        this.numEntriesRead = 0;
        this.isMacArchive = false;
        this.isMaybeMacArchive = false;
        this.compressedSizesAreCertain = true;
        this.uncompressedSizesAreCertain = true;
        this._isReading = false;
        this._entryCursor = null;
        this._fileCursor = null;
        this._uncertainUncompressedSizeEntryRefs = null;
        this._firstEntryProps = null;
      }
      /**
       * Close ZIP file. Underlying reader will be closed.
       * @async
       * @returns {undefined}
       */
      close() {
        return this.reader.close();
      }
      /**
       * Getter for whether `Zip` is open for reading.
       * @returns {boolean} - `true` if open
       */
      get isOpen() {
        return this.reader.isOpen;
      }
      /**
       * Locate Central Directory.
       * @async
       * @returns {undefined}
       */
      async _init() {
        const eocdrBuffer = await this._locateEocdr();
        this._parseEocdr(eocdrBuffer);
        if (this.isZip64) await this._parseZip64Eocdr();
        await this._locateCentralDirectory();
        this._entryCursor = this.centralDirectoryOffset;
      }
      /**
       * Locate End of Central Directory Record.
       * @async
       * @returns {Buffer} - Buffer containing EOCDR
       */
      async _locateEocdr() {
        let bufferSize = EOCDR_WITHOUT_COMMENT_SIZE + MAX_EOCDR_COMMENT_SIZE;
        if (this.size < bufferSize) {
          assert(this.size >= EOCDR_WITHOUT_COMMENT_SIZE, "End of Central Directory Record not found");
          bufferSize = this.size;
        }
        const bufferOffset = this.size - bufferSize;
        const buffer = await this.reader.read(bufferOffset, bufferSize);
        let pos;
        for (pos = bufferSize - EOCDR_WITHOUT_COMMENT_SIZE; pos >= 0; pos--) {
          if (buffer[pos] !== 80) continue;
          if (buffer.readUInt32LE(pos) !== 101010256) continue;
          const commentLength = buffer.readUInt16LE(pos + 20);
          if (commentLength === bufferSize - pos - EOCDR_WITHOUT_COMMENT_SIZE) {
            this.footerOffset = bufferOffset + pos;
            return buffer.subarray(pos);
          }
        }
        throw new Error("End of Central Directory Record not found");
      }
      /**
       * Parse End of Central Directory Record.
       * Get Central Directory location, size and entry count.
       * @param {Buffer} eocdrBuffer - Buffer containing EOCDR
       * @returns {undefined}
       */
      _parseEocdr(eocdrBuffer) {
        const diskNumber = eocdrBuffer.readUInt16LE(4);
        assert(diskNumber === 0, "Multi-disk ZIP files are not supported");
        this.entryCount = eocdrBuffer.readUInt16LE(10);
        this.centralDirectorySize = eocdrBuffer.readUInt32LE(12);
        this.centralDirectoryOffset = eocdrBuffer.readUInt32LE(16);
        this.comment = this.decodeStrings ? decodeBuffer(eocdrBuffer, 22, false) : Buffer.from(eocdrBuffer.subarray(22));
        this.isZip64 = this.entryCount === 65535 || this.centralDirectoryOffset === 4294967295 || this.centralDirectorySize === 4294967295;
      }
      /**
       * Parse ZIP64 End of Central Directory Locator + Record.
       * Get Central Directory location, size and entry count, where ZIP64 extension used.
       * @async
       * @returns {undefined}
       */
      async _parseZip64Eocdr() {
        const zip64EocdlOffset = this.footerOffset - 20;
        assert(zip64EocdlOffset >= 0, "Cannot locate ZIP64 End of Central Directory Locator");
        const zip64EocdlBuffer = await this.reader.read(zip64EocdlOffset, 20);
        if (zip64EocdlBuffer.readUInt32LE(0) !== 117853008) {
          if (this.supportMacArchive) {
            this.isMacArchive = true;
            return;
          }
          throw new Error("Invalid ZIP64 End of Central Directory Locator signature");
        }
        const zip64EocdrOffset = readUInt64LE(zip64EocdlBuffer, 8);
        assert(
          zip64EocdrOffset + 56 <= zip64EocdlOffset,
          "Cannot locate ZIP64 End of Central Directory Record"
        );
        const zip64EocdrBuffer = await this.reader.read(zip64EocdrOffset, 56);
        assert(
          zip64EocdrBuffer.readUInt32LE(0) === 101075792,
          "Invalid ZIP64 End of Central Directory Record signature"
        );
        const zip64EocdrSize = readUInt64LE(zip64EocdrBuffer, 4);
        assert(
          zip64EocdrOffset + zip64EocdrSize + 12 <= zip64EocdlOffset,
          "Invalid ZIP64 End of Central Directory Record"
        );
        if (this.entryCount === 65535) this.entryCount = readUInt64LE(zip64EocdrBuffer, 32);
        if (this.centralDirectorySize === 4294967295) {
          this.centralDirectorySize = readUInt64LE(zip64EocdrBuffer, 40);
        }
        if (this.centralDirectoryOffset === 4294967295) {
          this.centralDirectoryOffset = readUInt64LE(zip64EocdrBuffer, 48);
        }
        this.footerOffset = zip64EocdrOffset + zip64EocdrSize === zip64EocdlOffset ? zip64EocdrOffset : zip64EocdlOffset;
      }
      /**
       * Locate Central Directory.
       *
       * In a well-formed ZIP file, the EOCDR accurately gives us the offset and size of Central
       * Directory, and the entry count.
       *
       * However Mac OS Archive Utility, instead of using ZIP64 extension to record Central Directory
       * offset or size >= 4 GiB, or entry count >= 65536, truncates size and offset to lower 32 bits,
       * and entry count to lower 16 bits.
       * i.e.:
       * Actual offset = reported offset + n * (1 << 32)
       * Actual size = reported size + m * (1 << 32)
       * Actual entry count = reported entry count + o * (1 << 16)
       * (where `n`, `m` and `o` are unknown)
       *
       * Identify if this may be a faulty Mac OS Archive Utility ZIP. If so, find the actual location of
       * the Central Directory. Deduce which of above properties cannot be known with certainty.
       *
       * In some cases, it's not possible to immediately determine if a ZIP is definitely a Mac OS ZIP.
       * If it may be, but not sure yet, record which properties are unknown at present.
       * Later calls to `readEntry()` or `openReadStream()` will reveal more about the ZIP, and the
       * determinaton of whether ZIP is a faulty Mac OS ZIP or not will be made then.
       *
       * Try to do this while ensuring a spec-compliant ZIP will never be misinterpretted.
       *
       * @async
       * @returns {undefined}
       */
      async _locateCentralDirectory() {
        if (!this.supportMacArchive) return;
        if (this.isZip64) return;
        if (this.size - this.footerOffset !== EOCDR_WITHOUT_COMMENT_SIZE) return;
        let centralDirectoryEnd = this.centralDirectoryOffset + this.centralDirectorySize;
        if (centralDirectoryEnd % FOUR_GIB !== this.footerOffset % FOUR_GIB) return;
        if (this.entryCount === 0 && this.centralDirectoryOffset + CDH_MIN_LENGTH > this.footerOffset) {
          assert(this.centralDirectorySize === 0, "Inconsistent Central Directory size and entry count");
          return;
        }
        if (this.centralDirectorySize < this.entryCount * CDH_MIN_LENGTH) {
          assert(
            centralDirectoryEnd < this.footerOffset,
            "Inconsistent Central Directory size and entry count"
          );
          this.isMacArchive = true;
          centralDirectoryEnd = this.footerOffset;
          this.centralDirectorySize = centralDirectoryEnd - this.centralDirectoryOffset;
        }
        if (this._recalculateEntryCount(0, this.centralDirectoryOffset)) {
          this.isMacArchive = true;
        }
        let entry, alreadyCheckedOffset;
        if (!this.isMacArchive) {
          entry = await this._readEntryAt(this.centralDirectoryOffset);
          if (entry && !firstEntryMaybeMac(entry)) {
            assert(this.entryCount > 0, "Inconsistent Central Directory size and entry count");
            this._firstEntryProps = entry;
            return;
          }
          alreadyCheckedOffset = this.centralDirectoryOffset;
        } else {
          alreadyCheckedOffset = -1;
        }
        if (!entry) {
          let offset = this.footerOffset - Math.max(this.centralDirectorySize, this.entryCount * CDH_MIN_LENGTH);
          if (offset % FOUR_GIB < this.centralDirectoryOffset) {
            assert(offset >= FOUR_GIB, "Inconsistent Central Directory size and entry count");
            offset -= FOUR_GIB;
          }
          offset = Math.floor(offset / FOUR_GIB) * FOUR_GIB + this.centralDirectoryOffset;
          while (offset > alreadyCheckedOffset) {
            entry = await this._readEntryAt(offset);
            if (entry) {
              assert(firstEntryMaybeMac(entry), "Cannot locate Central Directory");
              this.isMacArchive = true;
              this.centralDirectoryOffset = offset;
              break;
            }
            offset -= FOUR_GIB;
          }
        }
        if (!entry) {
          assert(
            this.entryCount === 0 && this.centralDirectorySize === 0,
            "Cannot locate Central Directory"
          );
          return;
        }
        if (this.entryCount === 0) this.isMacArchive = true;
        if (this.isMacArchive) {
          centralDirectoryEnd = this.footerOffset;
          this.centralDirectorySize = centralDirectoryEnd - this.centralDirectoryOffset;
          assert(this.centralDirectorySize > 0, "Inconsistent Central Directory size and entry count");
          this._recalculateEntryCount(1, entry.entryEnd);
          const minTotalDataSize = this.entryCount * 46 + entry.compressedSize + entry.filename.length + entry.extraFields.length * MAC_LFH_EXTRA_FIELDS_LENGTH;
          if (minTotalDataSize + FOUR_GIB <= this.centralDirectoryOffset) {
            this.compressedSizesAreCertain = false;
          }
        } else {
          this.isMaybeMacArchive = true;
          if (centralDirectoryEnd < this.footerOffset) {
            this.centralDirectorySizeIsCertain = false;
            this.entryCountIsCertain = false;
          } else {
            this._recalculateEntryCount(1, entry.entryEnd);
          }
          this._uncertainUncompressedSizeEntryRefs = /* @__PURE__ */ new Set();
        }
        if (this.entryCountIsCertain && !entryCountIsCertain(this.entryCount - 1, centralDirectoryEnd - entry.entryEnd)) this.entryCountIsCertain = false;
        this.uncompressedSizesAreCertain = false;
        this._fileCursor = 0;
        this._firstEntryProps = entry;
      }
      /**
       * Get next entry.
       * @async
       * @returns {Entry|null} - `Entry` object for next entry, or `null` if none remaining
       */
      async readEntry() {
        assert(!this._isReading, "Cannot call `readEntry()` before previous call's promise has settled");
        this._isReading = true;
        try {
          return await this._readEntry();
        } finally {
          this._isReading = false;
        }
      }
      /**
       * Get next entry.
       * Implementation for `readEntry()`. Should not be called directly.
       * @async
       * @returns {Entry|null} - `Entry` object for next entry, or `null` if none remaining
       */
      async _readEntry() {
        if (this.numEntriesRead === this.entryCount && this.entryCountIsCertain) return null;
        let entryProps = this._firstEntryProps, entryEnd;
        if (entryProps) {
          this._firstEntryProps = null;
          entryEnd = entryProps.entryEnd;
        } else {
          entryProps = await this._readEntryAt(this._entryCursor);
          const centralDirectoryEnd = this.centralDirectoryOffset + this.centralDirectorySize;
          if (!entryProps) {
            assert(
              !this.isMacArchive && this.numEntriesRead === this.entryCount && this._entryCursor === centralDirectoryEnd,
              "Invalid Central Directory File Header signature"
            );
            if (this.isMaybeMacArchive) this._setAsNotMacArchive();
            return null;
          }
          entryEnd = entryProps.entryEnd;
          if (this.isMacArchive) {
            assert(
              entryMaybeMac(entryProps) && entryProps.fileHeaderOffset === this._fileCursor % FOUR_GIB,
              "Inconsistent Central Directory structure"
            );
            entryProps.fileHeaderOffset = this._fileCursor;
            if (!this.entryCountIsCertain) {
              this._recalculateEntryCount(this.numEntriesRead + 1, entryEnd);
              this._recalculateEntryCountIsCertain(this.numEntriesRead + 1, entryEnd);
            }
          } else if (this.isMaybeMacArchive) {
            if (this._fileCursor >= FOUR_GIB) {
              assert(
                entryMaybeMac(entryProps) && entryProps.fileHeaderOffset === this._fileCursor % FOUR_GIB,
                "Inconsistent Central Directory structure"
              );
              this._setAsMacArchive(this.numEntriesRead + 1, entryEnd);
            } else if (!entryMaybeMac(entryProps) || entryProps.fileHeaderOffset !== this._fileCursor) {
              this._setAsNotMacArchive();
              assert(this.numEntriesRead !== this.entryCount, "Central Directory contains too many entries");
            } else if (!this.centralDirectorySizeIsCertain && entryEnd + (this.entryCount - this.numEntriesRead - 1) * CDH_MIN_LENGTH > centralDirectoryEnd) {
              this._setAsMacArchive(this.numEntriesRead + 1, entryEnd);
            } else if (!this.entryCountIsCertain) {
              if (this._recalculateEntryCount(this.numEntriesRead + 1, entryEnd)) {
                this._setAsMacArchive(this.numEntriesRead + 1, entryEnd);
              } else if (this.centralDirectorySizeIsCertain) {
                this._recalculateEntryCountIsCertain(this.numEntriesRead + 1, entryEnd);
              }
            }
          }
        }
        const fileDataOffsetIfMac = entryProps.fileHeaderOffset + 30 + entryProps.filename.length + entryProps.extraFields.length * MAC_LFH_EXTRA_FIELDS_LENGTH;
        if (!this.compressedSizesAreCertain) {
          const isNowCertain = await this._determineCompressedSize(entryProps, fileDataOffsetIfMac);
          if (isNowCertain) this.compressedSizesAreCertain = true;
        }
        if (!this.uncompressedSizesAreCertain) {
          if (entryProps.compressionMethod === 0) {
            entryProps.uncompressedSize = entryProps.compressedSize;
          } else if (entryProps.compressionMethod !== 8) {
            entryProps.uncompressedSizeIsCertain = false;
          } else {
            const maxUncompressedSize = entryProps.compressedSize * 1032;
            if (maxUncompressedSize > FOUR_GIB * 2 || maxUncompressedSize > FOUR_GIB && maxUncompressedSize % FOUR_GIB > entryProps.uncompressedSize) entryProps.uncompressedSizeIsCertain = false;
          }
        }
        const entry = this._validateAndDecodeEntry(entryProps);
        this._entryCursor = entryEnd;
        this.numEntriesRead++;
        if (this.isMacArchive || this.isMaybeMacArchive) {
          this._fileCursor = fileDataOffsetIfMac + entry.compressedSize + (entryProps.compressionMethod === 8) * 16;
          if (this.isMacArchive) {
            entry.fileDataOffset = fileDataOffsetIfMac;
          } else if (!entry.uncompressedSizeIsCertain) {
            const ref = new WeakRef(entry);
            entry._ref = ref;
            this._uncertainUncompressedSizeEntryRefs.add(ref);
            uncertainUncompressedSizeEntriesRegistry.register(entry, { zip: this, ref }, ref);
          }
        }
        return entry;
      }
      /**
       * Determine actual compressed size of entry.
       * Update `compressedSize` if it's not what was reported.
       * Return whether *all future* entries have certain compressed size.
       *
       * This method should only be called if this is a Mac ZIP, or possibly a Mac ZIP.
       * i.e. Compressed sizes are not certain to be as reported in the ZIP.
       *
       * First attempt to prove that size can be known with certainty without reading from ZIP file.
       * If that's not possible, search ZIP file for the Data Descriptor which follows file data.
       *
       * Care has to be taken to avoid data races, because this function contains async IO calls,
       * and possible for user to call `openReadStream()` on another Entry, or an event on a stream
       * already in process to cause the ZIP to be identified as definitely Mac or definitely not Mac
       * during this function's async calls.
       *
       * @param {Object} entryProps - Entry properties
       * @param {number} fileDataOffsetIfMac - If ZIP is a Mac OS ZIP, offset file data will start at
       * @returns {boolean} - `true` if all later entry compressed sizes must be certain
       */
      async _determineCompressedSize(entryProps, fileDataOffsetIfMac) {
        let numEntriesRemaining = this.entryCount - this.numEntriesRead - 1;
        let dataSpaceRemaining = this.centralDirectoryOffset - fileDataOffsetIfMac - entryProps.compressedSize - (entryProps.compressionMethod === 8) * 16;
        if (dataSpaceRemaining - numEntriesRemaining * 30 < FOUR_GIB) return true;
        if (this.isMacArchive && numEntriesRemaining === 0) {
          assert(
            dataSpaceRemaining % FOUR_GIB === 0,
            "Invalid ZIP structure for Mac OS Archive Utility ZIP"
          );
          entryProps.compressedSize += dataSpaceRemaining;
          return true;
        }
        if (entryProps.compressionMethod === 0) {
          return false;
        }
        let fileDataEnd = fileDataOffsetIfMac + entryProps.compressedSize;
        while (true) {
          const buffer = await this.reader.read(fileDataEnd, 20);
          if (buffer.readUInt32LE(0) === 134695760 && buffer.readUInt32LE(4) === entryProps.crc32 && buffer.readUInt32LE(8) === entryProps.compressedSize && buffer.readUInt32LE(12) === entryProps.uncompressedSize && (buffer.readUInt32LE(16) === 67324752 || fileDataEnd + 16 === this.centralDirectoryOffset)) break;
          if (this.compressedSizesAreCertain) {
            fileDataEnd = null;
            break;
          }
          fileDataEnd += FOUR_GIB;
          if (fileDataEnd + 16 > this.centralDirectoryOffset) {
            fileDataEnd = null;
            break;
          }
        }
        if (fileDataEnd === null) {
          assert(!this.isMacArchive, "Cannot locate file Data Descriptor");
          if (this.isMaybeMacArchive) this._setAsNotMacArchive();
          return true;
        }
        if (fileDataEnd === fileDataOffsetIfMac + entryProps.compressedSize) {
          return false;
        }
        if (!this.isMacArchive) {
          assert(this.isMaybeMacArchive, "Cannot locate file Data Descriptor");
          this._setAsMacArchive(this.numEntriesRead + 1, entryProps.entryEnd);
        }
        entryProps.compressedSize = fileDataEnd - fileDataOffsetIfMac;
        numEntriesRemaining = this.entryCount - this.numEntriesRead - 1;
        dataSpaceRemaining = this.centralDirectoryOffset - fileDataEnd - 16;
        return dataSpaceRemaining - numEntriesRemaining * 30 < FOUR_GIB;
      }
      /**
       * Attempt to read Central Directory Header at offset.
       * Returns properties of entry. Does not decode strings or validate file sizes.
       * @async
       * @param {number} offset - Offset to parse CDH at
       * @returns {Object|null} - Entry properties or `null` if no Central Directory File Header found
       */
      async _readEntryAt(offset) {
        assert(offset + CDH_MIN_LENGTH <= this.footerOffset, "Invalid Central Directory File Header");
        const entryBuffer = await this.reader.read(offset, CDH_MIN_LENGTH);
        if (entryBuffer.readUInt32LE(0) !== 33639248) return null;
        const versionMadeBy = entryBuffer.readUInt16LE(4);
        const versionNeededToExtract = entryBuffer.readUInt16LE(6);
        const generalPurposeBitFlag = entryBuffer.readUInt16LE(8);
        const compressionMethod = entryBuffer.readUInt16LE(10);
        const lastModTime = entryBuffer.readUInt16LE(12);
        const lastModDate = entryBuffer.readUInt16LE(14);
        const crc322 = entryBuffer.readUInt32LE(16);
        let compressedSize = entryBuffer.readUInt32LE(20);
        let uncompressedSize = entryBuffer.readUInt32LE(24);
        const filenameLength = entryBuffer.readUInt16LE(28);
        const extraFieldLength = entryBuffer.readUInt16LE(30);
        const commentLength = entryBuffer.readUInt16LE(32);
        const internalFileAttributes = entryBuffer.readUInt16LE(36);
        const externalFileAttributes = entryBuffer.readUInt32LE(38);
        let fileHeaderOffset = entryBuffer.readUInt32LE(42);
        assert((generalPurposeBitFlag & 64) === 0, "Strong encryption is not supported");
        const extraDataOffset = offset + CDH_MIN_LENGTH, extraDataSize = filenameLength + extraFieldLength + commentLength, entryEnd = extraDataOffset + extraDataSize;
        assert(entryEnd <= this.footerOffset, "Invalid Central Directory File Header");
        const extraBuffer = await this.reader.read(extraDataOffset, extraDataSize);
        const filename = extraBuffer.subarray(0, filenameLength);
        const commentStart = filenameLength + extraFieldLength;
        const extraFieldBuffer = extraBuffer.subarray(filenameLength, commentStart);
        let i = 0;
        const extraFields = [];
        let zip64EiefBuffer;
        while (i < extraFieldBuffer.length - 3) {
          const headerId = extraFieldBuffer.readUInt16LE(i + 0), dataSize = extraFieldBuffer.readUInt16LE(i + 2), dataStart = i + 4, dataEnd = dataStart + dataSize;
          assert(dataEnd <= extraFieldBuffer.length, "Extra field length exceeds extra field buffer size");
          const dataBuffer = extraFieldBuffer.subarray(dataStart, dataEnd);
          extraFields.push({ id: headerId, data: dataBuffer });
          i = dataEnd;
          if (headerId === 1) zip64EiefBuffer = dataBuffer;
        }
        const comment = extraBuffer.subarray(commentStart, extraDataSize);
        const isZip64 = uncompressedSize === 4294967295 || compressedSize === 4294967295 || fileHeaderOffset === 4294967295;
        if (isZip64) {
          assert(zip64EiefBuffer, "Expected ZIP64 Extended Information Extra Field");
          let index = 0;
          if (uncompressedSize === 4294967295) {
            assert(
              index + 8 <= zip64EiefBuffer.length,
              "ZIP64 Extended Information Extra Field does not include uncompressed size"
            );
            uncompressedSize = readUInt64LE(zip64EiefBuffer, index);
            index += 8;
          }
          if (compressedSize === 4294967295) {
            assert(
              index + 8 <= zip64EiefBuffer.length,
              "ZIP64 Extended Information Extra Field does not include compressed size"
            );
            compressedSize = readUInt64LE(zip64EiefBuffer, index);
            index += 8;
          }
          if (fileHeaderOffset === 4294967295) {
            assert(
              index + 8 <= zip64EiefBuffer.length,
              "ZIP64 Extended Information Extra Field does not include relative header offset"
            );
            fileHeaderOffset = readUInt64LE(zip64EiefBuffer, index);
            index += 8;
          }
        }
        assert(fileHeaderOffset + 30 <= this.footerOffset, "Invalid location for file data");
        return {
          filename,
          compressedSize,
          uncompressedSize,
          uncompressedSizeIsCertain: true,
          // May not be correct - may be set to `false` in `readEntry()`
          compressionMethod,
          fileHeaderOffset,
          fileDataOffset: null,
          isZip64,
          crc32: crc322,
          lastModTime,
          lastModDate,
          comment,
          extraFields,
          versionMadeBy,
          versionNeededToExtract,
          generalPurposeBitFlag,
          internalFileAttributes,
          externalFileAttributes,
          filenameLength,
          entryEnd
        };
      }
      /**
       * Update `entryCount` if it's lower than is possible for it to be.
       * @param {number} numEntriesRead - Number of entries read so far
       * @param {number} entryCursor - Current position in Central Directory
       * @returns {boolean} - `true` if entry count was increased
       */
      _recalculateEntryCount(numEntriesRead, entryCursor) {
        const numEntriesRemaining = this.entryCount - numEntriesRead, centralDirectoryRemaining = this.centralDirectoryOffset + this.centralDirectorySize - entryCursor, entryMaxLen = this.isMacArchive ? CDH_MAX_LENGTH_MAC : CDH_MAX_LENGTH;
        if (numEntriesRemaining * entryMaxLen >= centralDirectoryRemaining) return false;
        const minEntriesRemaining = Math.ceil(centralDirectoryRemaining / CDH_MAX_LENGTH_MAC);
        this.entryCount += minEntriesRemaining - numEntriesRemaining + 65535 & 65536;
        return true;
      }
      /**
       * Update `entryCountIsCertain` if it's impossible for entry count to be 65536 larger than
       * current `entryCount` without exceeding bounds of Central Directory.
       * This calculation is only valid if size of Central Directory is certain,
       * so must only be called if `centralDirectorySizeIsCertain` is `true`.
       * @param {number} numEntriesRead - Number of entries read so far
       * @param {number} entryCursor - Current position in Central Directory
       * @returns {undefined}
       */
      _recalculateEntryCountIsCertain(numEntriesRead, entryCursor) {
        const numEntriesRemaining = this.entryCount - numEntriesRead, centralDirectoryRemaining = this.centralDirectoryOffset + this.centralDirectorySize - entryCursor;
        if (entryCountIsCertain(numEntriesRemaining, centralDirectoryRemaining)) {
          this.entryCountIsCertain = true;
        }
      }
      /**
       * Suspected Mac OS Archive Utility ZIP has turned out to definitely be one.
       * Flag as Mac ZIP and calculate Central Directory size if it was ambiguous previously.
       * Recalculate minimum entry count and whether it's now certain.
       * @param {number} numEntriesRead - Number of entries read so far
       * @param {number} entryCursor - Current position in Central Directory
       * @returns {undefined}
       */
      _setAsMacArchive(numEntriesRead, entryCursor) {
        this.isMacArchive = true;
        this.isMaybeMacArchive = false;
        if (!this.centralDirectorySizeIsCertain) {
          this.centralDirectorySize = this.footerOffset - this.centralDirectoryOffset;
          this.centralDirectorySizeIsCertain = true;
        }
        if (!this.entryCountIsCertain) {
          this._recalculateEntryCount(numEntriesRead, entryCursor);
          this._recalculateEntryCountIsCertain(numEntriesRead, entryCursor);
        }
        for (const ref of this._uncertainUncompressedSizeEntryRefs) {
          uncertainUncompressedSizeEntriesRegistry.unregister(ref);
          const entry = ref.deref();
          if (entry) entry._ref = null;
        }
        this._uncertainUncompressedSizeEntryRefs = null;
      }
      /**
       * Suspected Mac OS Archive Utility ZIP has turned out not to be one.
       * Reset flags.
       * @returns {undefined}
       */
      _setAsNotMacArchive() {
        this.isMaybeMacArchive = false;
        this.entryCountIsCertain = true;
        this.centralDirectorySizeIsCertain = true;
        this.compressedSizesAreCertain = true;
        this.uncompressedSizesAreCertain = true;
        this._fileCursor = null;
        for (const ref of this._uncertainUncompressedSizeEntryRefs) {
          uncertainUncompressedSizeEntriesRegistry.unregister(ref);
          const entry = ref.deref();
          if (entry) {
            entry._ref = null;
            entry.uncompressedSizeIsCertain = true;
          }
        }
        this._uncertainUncompressedSizeEntryRefs = null;
      }
      /**
       * Convert entry properties returned from `_readEntryAt()` to a full `Entry` object.
       * Decode strings and validate entry size according to options.
       * @param {Object} entry - Entry properties returned by `_readEntryAt()`
       * @returns {Entry} - `Entry` object
       */
      _validateAndDecodeEntry(entry) {
        if (this.decodeStrings) {
          let filename;
          for (const extraField of entry.extraFields) {
            if (extraField.id !== 28789) continue;
            if (extraField.data.length < 6) continue;
            if (extraField.data[0] !== 1) continue;
            const oldNameCrc32 = extraField.data.readUInt32LE(1);
            if (calculateCrc32(entry.filename) !== oldNameCrc32) continue;
            filename = decodeBuffer(extraField.data, 5, true);
            break;
          }
          const isUtf8 = (entry.generalPurposeBitFlag & 2048) !== 0;
          if (filename === void 0) filename = decodeBuffer(entry.filename, 0, isUtf8);
          if (this.validateFilenames) {
            if (!this.strictFilenames) filename = filename.replace(/\\/g, "/");
            validateFilename(filename);
          }
          entry.filename = filename;
          for (const extraField of entry.extraFields) {
            extraField.data = Buffer.from(extraField.data);
          }
          entry.comment = decodeBuffer(entry.comment, 0, isUtf8);
        }
        if (this.validateEntrySizes && entry.compressionMethod === 0) {
          const expectedCompressedSize = entry.generalPurposeBitFlag & 1 ? entry.uncompressedSize + 12 : entry.uncompressedSize;
          assert(
            entry.compressedSize === expectedCompressedSize,
            `Compressed/uncompressed size mismatch for stored file: ${entry.compressedSize} !== ${expectedCompressedSize}`
          );
        }
        let entryEnd;
        ({ entryEnd, ...entry } = entry);
        return new Entry(INTERNAL_SYMBOL, { ...entry, zip: this, _ref: null });
      }
      /**
       * Read multiple entries.
       * If `numEntries` is provided, will read at maximum that number of entries.
       * Otherwise, reads all entries.
       * @async
       * @param {number} [numEntries] - Number of entries to read
       * @returns {Array<Entry>} - Array of entries
       */
      async readEntries(numEntries) {
        if (numEntries != null) {
          assert(isPositiveIntegerOrZero(numEntries), "`numEntries` must be a positive integer if provided");
        } else {
          numEntries = Infinity;
        }
        const entries = [];
        for (let i = 0; i < numEntries; i++) {
          const entry = await this.readEntry();
          if (!entry) break;
          entries.push(entry);
        }
        return entries;
      }
      /**
       * Get async iterator for entries.
       * Usage: `for await (const entry of zip) { ... }`
       * @returns {Object} - Async iterator
       */
      [Symbol.asyncIterator]() {
        return {
          next: async () => {
            const entry = await this.readEntry();
            return { value: entry, done: entry === null };
          }
        };
      }
      /**
       * Get readable stream for file data.
       * @async
       * @param {Entry} entry - `Entry` object
       * @param {Object} [options] - Options
       * @param {boolean} [options.decompress] - `false` to output raw data without decompression
       * @param {boolean} [options.decrypt] - `true` to decrypt if is encrypted
       * @param {number} [options.start] - Start offset (only valid if not decompressing)
       * @param {number} [options.end] - End offset (only valid if not decompressing)
       * @returns {Object} - Readable stream
       */
      async openReadStream(entry, options) {
        assert(entry instanceof Entry, "`entry` must be an instance of `Entry`");
        assert(entry.zip === this, "`entry` must be an `Entry` from this ZIP file");
        return await entry.openReadStream(options);
      }
    };
    module.exports = Zip;
    function entryCountIsCertain(entryCount, centralDirectorySize) {
      return (entryCount + 65536) * CDH_MIN_LENGTH > centralDirectorySize;
    }
    function firstEntryMaybeMac(entry) {
      if (entry.fileHeaderOffset !== 0) return false;
      return entryMaybeMac(entry);
    }
    function entryMaybeMac(entry) {
      if (entry.versionMadeBy !== 789) return false;
      if (entry.comment.length !== 0) return false;
      if (entry.isZip64) return false;
      if (entry.versionNeededToExtract === 20) {
        if (entry.generalPurposeBitFlag !== 8 || entry.compressionMethod !== 8 || endsWithSlash(entry.filename)) return false;
      } else if (entry.versionNeededToExtract === 10) {
        if (entry.generalPurposeBitFlag !== 0 || entry.compressionMethod !== 0 || entry.uncompressedSize !== entry.compressedSize) return false;
        if (entry.extraFields.length === 0) {
          if (entry.compressedSize === 0 || endsWithSlash(entry.filename)) return false;
          return true;
        }
        if (entry.compressedSize !== 0 || entry.crc32 !== 0) return false;
      } else {
        return false;
      }
      if (entry.extraFields.length !== 1 || entry.extraFields[0].id !== MAC_CDH_EXTRA_FIELD_ID || entry.extraFields[0].data.length !== MAC_CDH_EXTRA_FIELD_LENGTH) return false;
      return true;
    }
    function endsWithSlash(filename) {
      return filename[filename.length - 1] === 47;
    }
  }
});

// node_modules/yauzl-promise/lib/reader.js
var require_reader = __commonJS({
  "node_modules/yauzl-promise/lib/reader.js"(exports, module) {
    "use strict";
    var fs = __require("fs");
    var { PassThrough: PassThroughStream, Readable: ReadableStream } = __require("stream");
    var { promisify } = __require("util");
    var { isPositiveIntegerOrZero } = require_is_it_type2();
    var assert = require_simple_invariant();
    var openAsync = promisify(fs.open);
    var closeAsync = promisify(fs.close);
    var { streamToBuffer } = require_utils();
    var Reader = class {
      constructor() {
        this.isOpen = false;
        this.readCount = 0;
      }
      /**
       * Open reader.
       * Calls `._open()` method defined by subclass.
       * If already open, does nothing.
       * @async
       * @returns {undefined}
       */
      async open() {
        if (this.isOpen) return;
        this.isOpen = true;
        await this._open();
      }
      /**
       * Close reader.
       * Calls `._close()` method defined by subclass.
       * If already closed, does nothing.
       * @async
       * @returns {undefined}
       * @throws {Error} - If Reader is currently being read from
       */
      async close() {
        if (!this.isOpen) return;
        assert(this.readCount === 0, "Cannot close while reading in progress");
        this.isOpen = false;
        await this._close();
      }
      /**
       * Read bytes into Buffer.
       * @async
       * @param {number} start - Starting position to read at
       * @param {number} length - Number of bytes to read
       * @returns {Buffer} - Buffer
       * @throws {Error} - If Reader is not open
       */
      async read(start, length) {
        assert(this.isOpen, "Cannot call `read()` on a reader which is not open");
        if (length === 0) return Buffer.allocUnsafe();
        this.readCount++;
        try {
          return await this._read(start, length);
        } finally {
          this.readCount--;
        }
      }
      /**
       * Create readable stream to read from Reader.
       * @param {number} start - Position to start reading at
       * @param {number} length - Number of bytes to read
       * @returns {Object} - Readable stream
       * @throws {Error} - If arguments invalid or reader is not open
       */
      createReadStream(start, length) {
        assert(isPositiveIntegerOrZero(start), "`start` must be a positive integer or zero");
        assert(isPositiveIntegerOrZero(length), "`length` must be a positive integer or zero");
        assert(this.isOpen, "Cannot call `createReadStream()` on a reader which is not open");
        if (length === 0) {
          const emptyStream = new PassThroughStream();
          setImmediate(() => emptyStream.end());
          return emptyStream;
        }
        this.readCount++;
        try {
          const stream = this._createReadStream(start, length);
          let isEnded = false;
          const onEnd = () => {
            if (isEnded) return;
            isEnded = true;
            this.readCount--;
          };
          const originalDestroy = stream.destroy;
          stream.destroy = function(err) {
            onEnd();
            return originalDestroy.call(this, err);
          };
          stream.on("end", onEnd);
          stream.on("error", onEnd);
          stream.on("close", onEnd);
          return stream;
        } catch (err) {
          this.readCount--;
          throw err;
        }
      }
      /**
       * Open Reader.
       * Default implementation does nothing. Subclasses can optionally implement this.
       * @async
       * @returns {undefined}
       */
      async _open() {
      }
      // eslint-disable-line class-methods-use-this, no-empty-function
      /**
       * Close Reader.
       * Default implementation does nothing. Subclasses can optionally implement this.
       * @async
       * @returns {undefined}
       */
      async _close() {
      }
      // eslint-disable-line class-methods-use-this, no-empty-function
      /**
       * Read bytes from Reader into a Buffer.
       * Subclasses can override this.
       * @async
       * @param {number} start - Starting position to read at
       * @param {number} length - Number of bytes to read
       * @returns {Buffer} - Buffer
       */
      async _read(start, length) {
        const stream = this._createReadStream(start, length);
        const buffer = await streamToBuffer(stream);
        assert(buffer.length === length, "Unexpected end of file");
        return buffer;
      }
      // eslint-disable-next-line jsdoc/require-returns-check
      /**
       * Create readable stream to read from Reader.
       * Subclasses must implement this.
       * @param {number} start - Position to start reading at
       * @param {number} length - Number of bytes to read
       * @returns {Object} - Readable stream
       * @throws {Error} - If fail to create stream
       */
      _createReadStream(start, length) {
        throw new Error("Not implemented");
      }
    };
    var shimmedFs = {
      open() {
        throw new Error(
          "Shimmed FS `open` method should not be called. If you get this error, please raise an issue."
        );
      },
      read(...args) {
        return fs.read(...args);
      },
      close(fd, cb) {
        setImmediate(() => cb(null));
      }
    };
    var FdReader = class extends Reader {
      /**
       * Create `FdReader`.
       * @param {number} fd - File descriptor
       */
      constructor(fd) {
        super();
        this.fd = fd;
      }
      _close() {
        return closeAsync(this.fd);
      }
      _read(start, length) {
        return new Promise((resolve, reject) => {
          const buffer = Buffer.allocUnsafe(length);
          fs.read(this.fd, buffer, 0, length, start, (err, bytesRead) => {
            if (err) {
              reject(err);
            } else if (bytesRead !== length) {
              reject(new Error("Unexpected end of file"));
            } else {
              resolve(buffer);
            }
          });
        });
      }
      _createReadStream(start, length) {
        return fs.createReadStream(null, { start, end: start + length - 1, fd: this.fd, fs: shimmedFs });
      }
    };
    var FileReader = class extends Reader {
      /**
       * Create `FileReader`.
       * @param {string} path - File path
       */
      constructor(path) {
        super();
        this.path = path;
        this.fd = null;
      }
      async _open() {
        this.fd = await openAsync(this.path, "r", 292);
      }
      async _close() {
        await closeAsync(this.fd);
        this.fd = null;
      }
    };
    FileReader.prototype._read = FdReader.prototype._read;
    FileReader.prototype._createReadStream = FdReader.prototype._createReadStream;
    var BufferReader = class extends Reader {
      /**
       * Create `BufferReader`.
       * @param {Buffer} buffer - Buffer
       */
      constructor(buffer) {
        super();
        this.buffer = buffer;
      }
      async _read(start, length) {
        const end = start + length;
        assert(end <= this.buffer.length, "Cannot read beyond end of buffer");
        return this.buffer.subarray(start, end);
      }
      _createReadStream(start, length) {
        const end = start + length;
        assert(end <= this.buffer.length, "Cannot read beyond end of buffer");
        const slice = this.buffer.subarray(start, end);
        return ReadableStream.from(slice);
      }
    };
    module.exports = { Reader, FdReader, FileReader, BufferReader };
  }
});

// node_modules/yauzl-promise/lib/index.js
var require_lib = __commonJS({
  "node_modules/yauzl-promise/lib/index.js"(exports, module) {
    "use strict";
    var { fstat } = __require("fs");
    var { promisify } = __require("util");
    var { isObject, isString, isBoolean, isInteger, isPositiveInteger } = require_is_it_type2();
    var assert = require_simple_invariant();
    var fstatAsync = promisify(fstat);
    var Zip = require_zip();
    var Entry = require_entry();
    var { Reader, FileReader, FdReader, BufferReader } = require_reader();
    var { dosDateTimeToDate, validateFilename } = require_utils();
    var { INTERNAL_SYMBOL } = require_shared();
    module.exports = {
      Zip,
      Entry,
      open: open3,
      fromFd,
      fromBuffer,
      fromReader,
      Reader,
      dosDateTimeToDate,
      validateFilename
    };
    async function open3(path, options) {
      assert(isString(path), "`path` must be a string");
      options = validateOptions(options);
      const reader = new FileReader(path);
      await reader.open();
      const { size } = await fstatAsync(reader.fd);
      const zip = new Zip(INTERNAL_SYMBOL, reader, size, options);
      await zip._init();
      return zip;
    }
    async function fromFd(fd, options) {
      assert(isInteger(fd), "`fd` must be an integer");
      options = validateOptions(options);
      const reader = new FdReader(fd);
      await reader.open();
      const { size } = await fstatAsync(fd);
      const zip = new Zip(INTERNAL_SYMBOL, reader, size, options);
      await zip._init();
      return zip;
    }
    async function fromBuffer(buffer, options) {
      assert(buffer instanceof Buffer, "`buffer` must be a Buffer");
      options = validateOptions(options);
      const reader = new BufferReader(buffer);
      await reader.open();
      const zip = new Zip(INTERNAL_SYMBOL, reader, buffer.length, options);
      await zip._init();
      return zip;
    }
    async function fromReader(reader, size, options) {
      assert(reader instanceof Reader, "`reader` must be an instance of `Reader` class");
      assert(isPositiveInteger(size), "`size` must be a positive integer");
      options = validateOptions(options);
      await reader.open();
      const zip = new Zip(INTERNAL_SYMBOL, reader, size, options);
      await zip._init();
      return zip;
    }
    function validateOptions(inputOptions) {
      const options = {
        decodeStrings: true,
        validateEntrySizes: true,
        validateFilenames: true,
        strictFilenames: false,
        supportMacArchive: true
      };
      if (inputOptions != null) {
        assert(isObject(inputOptions), "`options` must be an object if provided");
        for (const [key, value] of Object.entries(inputOptions)) {
          assert(Object.hasOwn(options, key), `Unknown option '${key}'`);
          assert(isBoolean(value), `\`options.${key}\` must be a boolean if provided`);
          options[key] = value;
        }
      }
      return options;
    }
  }
});

// node_modules/yauzl-promise/index.js
var require_yauzl_promise = __commonJS({
  "node_modules/yauzl-promise/index.js"(exports, module) {
    "use strict";
    module.exports = require_lib();
  }
});

// node_modules/yocto-queue/index.js
var Node = class {
  value;
  next;
  constructor(value) {
    this.value = value;
  }
};
var Queue = class {
  #head;
  #tail;
  #size;
  constructor() {
    this.clear();
  }
  enqueue(value) {
    const node = new Node(value);
    if (this.#head) {
      this.#tail.next = node;
      this.#tail = node;
    } else {
      this.#head = node;
      this.#tail = node;
    }
    this.#size++;
  }
  dequeue() {
    const current = this.#head;
    if (!current) {
      return;
    }
    this.#head = this.#head.next;
    this.#size--;
    if (!this.#head) {
      this.#tail = void 0;
    }
    return current.value;
  }
  peek() {
    if (!this.#head) {
      return;
    }
    return this.#head.value;
  }
  clear() {
    this.#head = void 0;
    this.#tail = void 0;
    this.#size = 0;
  }
  get size() {
    return this.#size;
  }
  *[Symbol.iterator]() {
    let current = this.#head;
    while (current) {
      yield current.value;
      current = current.next;
    }
  }
  *drain() {
    while (this.#head) {
      yield this.dequeue();
    }
  }
};

// node_modules/p-limit/index.js
function pLimit(concurrency) {
  let rejectOnClear = false;
  if (typeof concurrency === "object") {
    ({ concurrency, rejectOnClear = false } = concurrency);
  }
  validateConcurrency(concurrency);
  if (typeof rejectOnClear !== "boolean") {
    throw new TypeError("Expected `rejectOnClear` to be a boolean");
  }
  const queue = new Queue();
  let activeCount = 0;
  const resumeNext = () => {
    if (activeCount < concurrency && queue.size > 0) {
      activeCount++;
      queue.dequeue().run();
    }
  };
  const next = () => {
    activeCount--;
    resumeNext();
  };
  const run = async (function_, resolve, arguments_) => {
    const result = (async () => function_(...arguments_))();
    resolve(result);
    try {
      await result;
    } catch {
    }
    next();
  };
  const enqueue = (function_, resolve, reject, arguments_) => {
    const queueItem = { reject };
    new Promise((internalResolve) => {
      queueItem.run = internalResolve;
      queue.enqueue(queueItem);
    }).then(run.bind(void 0, function_, resolve, arguments_));
    if (activeCount < concurrency) {
      resumeNext();
    }
  };
  const generator = (function_, ...arguments_) => new Promise((resolve, reject) => {
    enqueue(function_, resolve, reject, arguments_);
  });
  Object.defineProperties(generator, {
    activeCount: {
      get: () => activeCount
    },
    pendingCount: {
      get: () => queue.size
    },
    clearQueue: {
      value() {
        if (!rejectOnClear) {
          queue.clear();
          return;
        }
        const abortError = AbortSignal.abort().reason;
        while (queue.size > 0) {
          queue.dequeue().reject(abortError);
        }
      }
    },
    concurrency: {
      get: () => concurrency,
      set(newConcurrency) {
        validateConcurrency(newConcurrency);
        concurrency = newConcurrency;
        queueMicrotask(() => {
          while (activeCount < concurrency && queue.size > 0) {
            resumeNext();
          }
        });
      }
    },
    map: {
      async value(iterable, function_) {
        const promises = [];
        try {
          Array.from(iterable, (value, index) => {
            const promise = generator(function_, value, index);
            promises.push(promise);
            return promise;
          });
        } catch (error) {
          for (const promise of promises) {
            promise.catch(() => {
            });
          }
          throw error;
        }
        return Promise.all(promises);
      }
    }
  });
  return generator;
}
function validateConcurrency(concurrency) {
  if (!((Number.isInteger(concurrency) || concurrency === Number.POSITIVE_INFINITY) && concurrency > 0)) {
    throw new TypeError("Expected `concurrency` to be a number from 1 and up");
  }
}

// src/amplitude/export-client.ts
init_src();
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
var SERVICE = "Amplitude Export API";
var ExportAttemptError = class extends ExternalServiceError {
  splittable;
  retryAfterMs;
  constructor(message, options) {
    super(SERVICE, message, options);
    this.splittable = options.splittable;
    this.retryAfterMs = options.retryAfterMs;
  }
};
var ExportClient = class {
  constructor(options) {
    this.options = options;
    this.authorization = "Basic " + Buffer.from(`${options.apiKey}:${options.secretKey}`).toString("base64");
    this.idleTimeoutMs = options.idleTimeoutMs ?? 6e5;
    this.now = options.now ?? Date.now;
  }
  options;
  authorization;
  idleTimeoutMs;
  now;
  exportUrl(window2) {
    return `${this.options.baseUrl}/api/2/export?start=${formatApiHour(window2.start)}&end=${formatApiHour(window2.end)}`;
  }
  /**
   * Streams the export of one window into `zipPath`. Throws `ExportAttemptError` for anything a retry
   * or a split may fix and `ConfigurationError` for what only the user can fix.
   */
  async download(window2, zipPath, onBytes) {
    const url = this.exportUrl(window2);
    const started = this.now();
    const controller = new AbortController();
    let timer;
    const armTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), this.idleTimeoutMs);
    };
    armTimer();
    let response;
    try {
      response = await fetch(url, {
        headers: { Authorization: this.authorization, "Accept-Encoding": "identity" },
        signal: controller.signal
      });
    } catch (error) {
      clearTimeout(timer);
      throw new ExportAttemptError(
        `could not reach ${this.options.baseUrl} for ${formatWindow(window2)}: ${describeNetworkError(error)} (check AMPLITUDE_API_URL or AMPLITUDE_REGION and the network)`,
        // A request that never got an answer says nothing about the window's size: do not split for it.
        { retryable: true, splittable: false, cause: error }
      );
    }
    try {
      if (response.status === 200) {
        const headersAt = this.now();
        const bytes = await this.saveBody(response, zipPath, window2, armTimer, onBytes);
        return { kind: "data", bytes, requestMs: headersAt - started, downloadMs: this.now() - headersAt };
      }
      return await this.classifyFailure(response, window2);
    } finally {
      clearTimeout(timer);
    }
  }
  async saveBody(response, zipPath, window2, armTimer, onBytes) {
    let bytes = 0;
    const counter = new Transform({
      transform(chunk, _encoding, callback) {
        bytes += chunk.length;
        armTimer();
        onBytes?.(bytes);
        callback(null, chunk);
      }
    });
    try {
      await pipeline(response.body, counter, createWriteStream(zipPath));
    } catch (error) {
      throw new ExportAttemptError(
        `the export of ${formatWindow(window2)} was cut short after ${bytes} bytes: ${describeNetworkError(error)}`,
        { retryable: true, splittable: true, cause: error }
      );
    }
    const expected = Number(response.headers.get("content-length") ?? NaN);
    if (Number.isFinite(expected) && expected !== bytes) {
      throw new ExportAttemptError(
        `the export of ${formatWindow(window2)} was cut short: ${bytes} of ${expected} bytes arrived`,
        { retryable: true, splittable: true }
      );
    }
    return bytes;
  }
  async classifyFailure(response, window2) {
    const status = response.status;
    const body = await readSnippet(response);
    const where = `${formatWindow(window2)} (HTTP ${status}${body ? `: ${body}` : ""})`;
    if (status === 404) {
      if (body === "" || /no data/i.test(body)) return { kind: "empty" };
      throw new ConfigurationError(
        `Amplitude export URL not found for ${where}: check AMPLITUDE_API_URL (${this.options.baseUrl})`
      );
    }
    if (status === 401 || status === 403) {
      throw new ConfigurationError(
        `Amplitude refused the credentials for ${where}: check that AMP_API_KEY and AMP_SECRET_KEY are the project's API key and secret key, and that AMPLITUDE_REGION (us or eu) is the region the project lives in`
      );
    }
    if (status === 400 && /too large|limit size/i.test(body)) {
      throw new ExportAttemptError(`the export is too large for ${where}`, {
        status,
        retryable: false,
        splittable: true
      });
    }
    if (status === 504) {
      throw new ExportAttemptError(`Amplitude timed out exporting ${where}`, {
        status,
        retryable: false,
        splittable: true
      });
    }
    if (status === 429) {
      throw new ExportAttemptError(`Amplitude rate-limited the export of ${where}`, {
        status,
        retryable: true,
        splittable: false,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), this.now())
      });
    }
    if (status >= 500) {
      throw new ExportAttemptError(`Amplitude failed exporting ${where}`, {
        status,
        retryable: true,
        splittable: true
      });
    }
    throw new ExportAttemptError(`Amplitude rejected the export request for ${where}`, {
      status,
      retryable: false,
      splittable: false
    });
  }
};
async function readSnippet(response, limit = 4096) {
  const parts = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } catch {
  }
  const text = Buffer.concat(parts).toString("utf8", 0, Math.min(size, limit)).replace(/\s+/g, " ").trim();
  return text.length > 300 ? text.slice(0, 300) + "…" : text;
}
function parseRetryAfter(value, now) {
  if (!value) return void 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1e3);
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function describeNetworkError(error) {
  if (error instanceof Error) {
    const code = error.code;
    if (error.name === "AbortError") return "no data arrived before the idle timeout";
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

// src/amplitude/export-source.ts
import { rm } from "node:fs/promises";
import { join as join2, posix as posix2 } from "node:path";

// src/amplitude/export-archive.ts
import { createHash } from "node:crypto";
import { mkdir, open } from "node:fs/promises";
import { posix, join } from "node:path";
import { Transform as Transform2 } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
var yauzl = __toESM(require_yauzl_promise(), 1);
var CorruptExportError = class extends Error {
  name = "CorruptExportError";
};
async function unpackExport(zipPath, stagingDir, options) {
  let zip;
  try {
    zip = await yauzl.open(zipPath);
  } catch (error) {
    throw new CorruptExportError(`the export ZIP cannot be read (${error.message})`, {
      cause: error
    });
  }
  const limit = pLimit(options.memberConcurrency ?? 2);
  const pending = [];
  const ignored = [];
  const seen = /* @__PURE__ */ new Set();
  try {
    try {
      for await (const entry of zip) {
        if (entry.filename.endsWith("/")) continue;
        const target = memberTarget(entry.filename);
        if (!target) {
          ignored.push(entry.filename);
          continue;
        }
        const key = `${target.appId}/${target.name}`;
        if (seen.has(key)) throw new CorruptExportError(`the export ZIP holds ${key} twice`);
        seen.add(key);
        const unpacking = limit(
          () => unpackMember(entry.filename, () => entry.openReadStream(), target, stagingDir, options)
        );
        unpacking.catch(() => {
        });
        pending.push(unpacking);
      }
    } catch (error) {
      if (error instanceof CorruptExportError) throw error;
      throw new CorruptExportError(`the export ZIP is damaged (${error.message})`, {
        cause: error
      });
    }
    const files = await settleAll(pending);
    return { files: files.sort((a, b) => a.name.localeCompare(b.name)), ignored };
  } finally {
    await Promise.allSettled(pending);
    await zip.close();
  }
}
async function settleAll(promises) {
  const results = await Promise.allSettled(promises);
  const failure = results.find((r) => r.status === "rejected");
  if (failure) throw failure.reason;
  return results.map((r) => r.value);
}
function memberTarget(filename) {
  const name = posix.basename(filename);
  const parsed = parseMemberName(name);
  if (parsed) return { appId: parsed.appId, name };
  const folder = filename.split("/")[0] ?? "";
  if (name.endsWith(".json.gz") && /^\d+$/.test(folder)) return { appId: folder, name };
  return null;
}
async function unpackMember(member, openSource, target, stagingDir, options) {
  const appDir = join(stagingDir, target.appId);
  await mkdir(appDir, { recursive: true });
  const base = target.name.replace(/\.json\.gz$/, "");
  const source = await openSource();
  const file = await open(join(appDir, target.name), "w").catch((error) => {
    source.destroy();
    throw error;
  });
  const copy = new CopyToFile(file);
  let stats;
  try {
    const validation = options.validation.validate({
      file: target.name,
      rejectedLinesPath: join(appDir, "rejected", `${base}.lines`),
      rejectedReasonsPath: join(appDir, "rejected", `${base}.reasons.jsonl`),
      maxLineBytes: options.maxLineBytes
    });
    await pipeline2(source, copy, validation.sink);
    stats = await validation.done;
  } catch (error) {
    if (error.code === "ENOSPC") throw error;
    throw new CorruptExportError(`member ${member} is damaged (${error.message})`, {
      cause: error
    });
  } finally {
    await file.close();
  }
  return {
    appId: target.appId,
    name: target.name,
    member,
    bytes: copy.bytes,
    sha256: copy.digest(),
    ...stats
  };
}
var CopyToFile = class extends Transform2 {
  constructor(file) {
    super();
    this.file = file;
  }
  file;
  bytes = 0;
  hash = createHash("sha256");
  _transform(chunk, _encoding, callback) {
    writeAll(this.file, chunk).then(() => {
      this.hash.update(chunk);
      this.bytes += chunk.length;
      callback(null, chunk);
    }, callback);
  }
  digest() {
    return this.hash.digest("hex");
  }
};
async function writeAll(file, chunk) {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

// src/amplitude/export-source.ts
var ApiExportSource = class {
  constructor(client) {
    this.client = client;
  }
  client;
  describe(window2) {
    return this.client.exportUrl(window2);
  }
  async fetch(window2, ctx) {
    const zipPath = join2(ctx.workDir, "export.zip");
    const download = await this.client.download(window2, zipPath, ctx.onBytes);
    if (download.kind === "empty") return null;
    const started = Date.now();
    const unpacked = await unpackExport(zipPath, ctx.stagingDir, ctx.unpack);
    const unpackMs = Date.now() - started;
    await rm(zipPath);
    return {
      unpacked,
      timings: {
        request_ms: download.requestMs,
        download_ms: download.downloadMs,
        unpack_ms: unpackMs,
        downloaded_bytes: download.bytes
      }
    };
  }
};
var LakeExportSource = class {
  constructor(lake, memberConcurrency = 2) {
    this.lake = lake;
    this.memberConcurrency = memberConcurrency;
  }
  lake;
  memberConcurrency;
  index = null;
  describe(window2) {
    return `${this.lake.url} (${formatWindow(window2)})`;
  }
  async fetch(window2, ctx) {
    const started = Date.now();
    this.index ??= this.buildIndex();
    const byHour = await this.index;
    const members = [];
    for (let hour = window2.start; hour <= window2.end; hour++) members.push(...byHour.get(hour) ?? []);
    if (members.length === 0) return null;
    const listed = Date.now();
    const seen = /* @__PURE__ */ new Set();
    for (const member of members) {
      const id = `${member.appId}/${member.name}`;
      if (seen.has(id))
        throw new CorruptExportError(`${this.lake.url} holds ${member.name} in more than one folder`);
      seen.add(id);
    }
    const limit = pLimit(this.memberConcurrency);
    let received = 0;
    const files = await settleAll(
      members.map(
        (member) => limit(async () => {
          const file = await unpackMember(
            this.lake.describe(member.key),
            () => this.lake.read(member.key),
            { appId: member.appId, name: member.name },
            ctx.stagingDir,
            ctx.unpack
          );
          received += file.bytes;
          ctx.onBytes?.(received);
          return file;
        })
      )
    );
    files.sort((a, b) => a.name.localeCompare(b.name));
    return {
      unpacked: { files, ignored: [] },
      timings: {
        request_ms: listed - started,
        download_ms: 0,
        unpack_ms: Date.now() - listed,
        downloaded_bytes: received
      }
    };
  }
  async buildIndex() {
    const byHour = /* @__PURE__ */ new Map();
    await this.lake.check();
    for await (const object of this.lake.list("")) {
      const name = posix2.basename(object.key);
      const parsed = parseMemberName(name);
      if (!parsed) continue;
      const list = byHour.get(parsed.hour) ?? [];
      list.push({ key: object.key, appId: parsed.appId, name });
      byHour.set(parsed.hour, list);
    }
    return byHour;
  }
};

// src/amplitude/extract.ts
import { randomBytes } from "node:crypto";
import { mkdir as mkdir2, readdir, rename, rm as rm2, rmdir, stat, writeFile } from "node:fs/promises";
import { join as join4 } from "node:path";

// src/amplitude/validation-pool.ts
import { availableParallelism } from "node:os";
import { dirname, join as join3 } from "node:path";
import { createRequire } from "node:module";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
var WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 };
var MAX_UNACKNOWLEDGED = 8;
var ValidationPool = class _ValidationPool {
  workers = [];
  closing = false;
  sinks = /* @__PURE__ */ new Map();
  nextId = 1;
  constructor(threads) {
    for (let i = 0; i < threads; i++) {
      const slot = { worker: startWorker(), active: 0, failure: null };
      slot.worker.on("message", (message) => this.receive(message));
      slot.worker.on("error", (error) => this.fail(slot, `validation worker crashed: ${error.message}`));
      slot.worker.on("exit", (code) => this.fail(slot, `validation worker exited with code ${code}`));
      this.workers.push(slot);
    }
  }
  static create(threads = defaultThreads()) {
    return new _ValidationPool(threads);
  }
  validate(options) {
    if (this.workers.length === 0) return validateGzip(options);
    const slot = this.workers.reduce((a, b) => b.active < a.active ? b : a);
    const id = this.nextId++;
    const sink = new WorkerSink(id, slot.worker, () => {
      slot.active -= 1;
      this.sinks.delete(id);
    });
    if (slot.failure) {
      sink.destroy(new Error(slot.failure));
      return { sink, done: sink.done };
    }
    slot.active += 1;
    this.sinks.set(id, sink);
    slot.worker.postMessage({ type: "start", id, options });
    return { sink, done: sink.done };
  }
  async close() {
    this.closing = true;
    await Promise.all(this.workers.splice(0).map(({ worker }) => worker.terminate()));
  }
  receive(message) {
    const sink = this.sinks.get(message.id);
    if (!sink) return;
    if (message.type === "ack") sink.acknowledged();
    else if (message.type === "done") sink.finished(message.stats);
    else sink.destroy(new Error(message.message));
  }
  /** A worker that died fails its members now and every member given to it later. */
  fail(slot, reason) {
    if (this.closing || slot.failure) return;
    slot.failure = reason;
    for (const sink of this.sinks.values()) {
      if (sink.worker === slot.worker) sink.destroy(new Error(reason));
    }
  }
};
var WorkerSink = class extends Writable {
  constructor(id, worker, release) {
    super({ highWaterMark: 1 << 16 });
    this.id = id;
    this.worker = worker;
    this.release = release;
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => {
    });
  }
  id;
  worker;
  release;
  done;
  resolveDone;
  rejectDone;
  unacknowledged = 0;
  waitingWrite = null;
  waitingFinal = null;
  settled = false;
  _write(chunk, _encoding, callback) {
    const data = new Uint8Array(chunk.length);
    data.set(chunk);
    this.worker.postMessage({ type: "chunk", id: this.id, data: data.buffer }, [
      data.buffer
    ]);
    this.unacknowledged += 1;
    if (this.unacknowledged < MAX_UNACKNOWLEDGED) callback();
    else this.waitingWrite = callback;
  }
  _final(callback) {
    this.waitingFinal = callback;
    this.worker.postMessage({ type: "end", id: this.id });
  }
  _destroy(error, callback) {
    if (!this.settled) {
      this.settled = true;
      this.worker.postMessage({ type: "abort", id: this.id });
      this.release();
      this.rejectDone(error ?? new Error("validation aborted"));
    }
    callback(error);
  }
  acknowledged() {
    this.unacknowledged -= 1;
    const resume = this.waitingWrite;
    this.waitingWrite = null;
    resume?.();
  }
  finished(stats) {
    if (this.settled) return;
    this.settled = true;
    this.release();
    this.resolveDone(stats);
    this.waitingFinal?.();
  }
};
function defaultThreads() {
  return Math.min(2, availableParallelism());
}
function startWorker() {
  const options = { resourceLimits: WORKER_LIMITS };
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./validation-worker.js", import.meta.url), options);
  const tsx = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const api = pathToFileURL(join3(tsx, "dist", "esm", "api", "index.mjs")).href;
  const entry = new URL("./validation-worker.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

// src/amplitude/extract.ts
var MANIFEST_FILE = "manifest.json";
var FAILURES_FOLDER = "_failures";
function validateExtractSettings(settings) {
  const { concurrency, hoursPerWindow } = settings;
  if (concurrency !== void 0 && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
    throw new ConfigurationError(
      `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (Amplitude allows about 5 concurrent requests per project)`
    );
  }
  if (hoursPerWindow !== void 0 && !(Number.isInteger(hoursPerWindow) && hoursPerWindow >= 1 && hoursPerWindow <= 8760)) {
    throw new ConfigurationError(
      "window hours must be a whole number from 1 to 8760 (the Export API takes at most 365 days)"
    );
  }
}
async function extract(options) {
  validateExtractSettings(options);
  const source = options.source ?? (options.client ? new ApiExportSource(options.client) : void 0);
  if (!source) throw new ConfigurationError("extract needs a source: the Export API or an S3 export");
  const windows = [options.range].flat().flatMap((range) => cutWindows(range, options.hoursPerWindow ?? 24));
  const tmpRoot = join4(options.outDir, ".tmp");
  await makeFolder(tmpRoot).catch((error) => {
    throw new ConfigurationError(
      `the backup folder ${options.outDir} cannot be created (${errorMessage(error)}): choose another --out`
    );
  });
  await removeStaleTemporaries(tmpRoot, options.now?.() ?? /* @__PURE__ */ new Date());
  const validation = ValidationPool.create(options.validationThreads);
  const exporter = new WindowExporter(options, source, tmpRoot, validation);
  const limit = pLimit(options.concurrency ?? 2);
  let fatal;
  let notStarted = 0;
  let results;
  try {
    results = await Promise.all(
      windows.map(
        (window2) => limit(async () => {
          if (fatal) return [];
          if (options.signal?.aborted) {
            notStarted += 1;
            return [];
          }
          try {
            return await exporter.export(window2);
          } catch (error) {
            fatal ??= { error };
            return [];
          }
        })
      )
    );
  } finally {
    await validation.close();
    await rmdir(tmpRoot).catch(() => {
    });
  }
  if (fatal) throw fatal.error;
  const outcomes = results.flat().sort((a, b) => a.window.start - b.window.start);
  const summary = {
    windows: 0,
    files: 0,
    events: 0,
    bytes: 0,
    rejected: 0,
    outcomes,
    failed: [],
    unrecorded: 0,
    notStarted
  };
  const apps = new Set(outcomes.flatMap((o) => o.status === "exported" ? o.apps : []));
  summary.appId = options.appId ?? (apps.size === 1 ? [...apps][0] : void 0);
  if (summary.appId) {
    await exporter.recordEmptyAndFailed(summary.appId, outcomes);
    await rmdir(tmpRoot).catch(() => {
    });
  } else {
    summary.unrecorded = outcomes.filter((o) => o.status !== "exported").length;
  }
  for (const outcome of outcomes) {
    if (outcome.status === "failed") {
      summary.failed.push(outcome);
      continue;
    }
    summary.windows += 1;
    if (outcome.status === "exported") {
      summary.files += outcome.files;
      summary.events += outcome.events;
      summary.bytes += outcome.bytes;
      summary.rejected += outcome.rejected;
    }
  }
  return summary;
}
var WindowExporter = class {
  constructor(options, source, tmpRoot, validation) {
    this.options = options;
    this.source = source;
    this.tmpRoot = tmpRoot;
    this.validation = validation;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => /* @__PURE__ */ new Date());
    this.runId = options.runId ?? `${options.demo ? "demo" : "local"}-${this.now().toISOString()}`;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }
  options;
  source;
  tmpRoot;
  validation;
  sleep;
  random;
  now;
  runId;
  maxLineBytes;
  /**
   * An empty window is complete: it gets a manifest with no files, so quiet hours move the watermark. A
   * failed one gets a failure record instead, and no manifest: it holds the watermark back.
   */
  async recordEmptyAndFailed(appId, outcomes) {
    for (const outcome of outcomes) {
      if (outcome.status === "empty") {
        const workDir = join4(
          this.tmpRoot,
          `${formatWindow(outcome.window)}-${randomBytes(4).toString("hex")}`
        );
        const folder = join4(workDir, "apps", appId);
        await mkdir2(folder, { recursive: true });
        try {
          const manifest = this.manifest(appId, outcome.window, [], [], {
            attempts: outcome.attempts,
            request_ms: 0,
            download_ms: 0,
            unpack_ms: 0,
            downloaded_bytes: 0
          });
          await writeFile(join4(folder, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
          await this.commit(folder, appId, outcome.window, workDir);
        } finally {
          await rm2(workDir, { recursive: true, force: true });
        }
      } else if (outcome.status === "failed") {
        const failedAt = this.now();
        const record = {
          app_id: appId,
          window: { start: formatHour(outcome.window.start), end: formatHour(outcome.window.end) },
          failed_at: failedAt.toISOString(),
          run_id: this.runId,
          error: outcome.error
        };
        const dir = join4(this.options.outDir, appId, FAILURES_FOLDER);
        await mkdir2(dir, { recursive: true });
        const name = `${compactTime(failedAt)}_${formatWindow(outcome.window)}.json`;
        await writeFile(join4(dir, name), JSON.stringify(record, null, 2) + "\n");
      }
    }
  }
  async export(window2) {
    const { reporter } = this.options;
    const attempts = this.options.attempts ?? 4;
    const rateLimitAttempts = this.options.rateLimitAttempts ?? 10;
    reporter?.windowStarted?.(window2);
    let tries = 0;
    let rateLimited = 0;
    let failure;
    while (true) {
      tries += 1;
      try {
        const outcome2 = await this.exportOnce(window2, tries + rateLimited);
        reporter?.windowFinished?.(outcome2);
        return [outcome2];
      } catch (error) {
        failure = asAttemptError(error);
        const isRateLimit = failure.status === 429;
        if (isRateLimit) {
          rateLimited += 1;
          tries -= 1;
        }
        const canRetry = failure.retryable && (isRateLimit ? rateLimited < rateLimitAttempts : tries < attempts);
        if (!canRetry) break;
        const delay = backoffDelay(
          isRateLimit ? rateLimited : tries,
          { ...DEFAULT_BACKOFF, ...this.options.backoff, random: this.random },
          failure.retryAfterMs
        );
        reporter?.retrying?.(window2, tries + rateLimited, delay, failure.message);
        await this.sleep(delay);
      }
    }
    if (failure.splittable && windowHours(window2) > 1) {
      const halves = splitWindow(window2);
      reporter?.splitting?.(window2, halves, failure.message);
      return [...await this.export(halves[0]), ...await this.export(halves[1])];
    }
    const outcome = {
      status: "failed",
      window: window2,
      attempts: tries + rateLimited,
      error: failureMessage(window2, failure)
    };
    reporter?.windowFinished?.(outcome);
    return [outcome];
  }
  async exportOnce(window2, attempt) {
    const { reporter } = this.options;
    const workDir = join4(this.tmpRoot, `${formatWindow(window2)}-${randomBytes(4).toString("hex")}`);
    const staging = join4(workDir, "apps");
    await mkdir2(staging, { recursive: true });
    try {
      const fetched = await this.source.fetch(window2, {
        workDir,
        stagingDir: staging,
        unpack: {
          maxLineBytes: this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
          validation: this.validation
        },
        onBytes: (n) => reporter?.bytesReceived?.(window2, n)
      });
      if (!fetched) return { status: "empty", window: window2, attempts: attempt };
      const { unpacked } = fetched;
      const timings = { attempts: attempt, ...fetched.timings };
      const byApp = groupBy(unpacked.files, (f) => f.appId);
      if (byApp.size === 0) {
        if (unpacked.ignored.length > 0) {
          throw new CorruptExportError(
            `the export ZIP holds no event files, only: ${unpacked.ignored.join(", ")}`
          );
        }
        return { status: "empty", window: window2, attempts: attempt };
      }
      const expected = this.options.appId;
      const other = [...byApp.keys()].find((appId) => expected !== void 0 && appId !== expected);
      if (other !== void 0) throw appMismatch(other, expected, this.options.appIdFrom);
      for (const [appId, files] of byApp) {
        const manifest = this.manifest(appId, window2, files, unpacked.ignored, timings);
        await writeFile(join4(staging, appId, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
        await this.commit(join4(staging, appId), appId, window2, workDir);
      }
      return {
        status: "exported",
        window: window2,
        files: unpacked.files.length,
        events: sum(unpacked.files, (f) => f.events),
        bytes: sum(unpacked.files, (f) => f.bytes),
        rejected: sum(unpacked.files, (f) => f.rejected),
        attempts: attempt,
        apps: [...byApp.keys()]
      };
    } finally {
      await rm2(workDir, { recursive: true, force: true });
    }
  }
  /**
   * Renames the finished folder into place. A folder already there for the same window is moved aside
   * first and removed after, so a reader sees the old window or the new one, never a mix; folders of
   * smaller windows that this one covers are retired the same way.
   */
  async commit(source, appId, window2, workDir) {
    const appDir = join4(this.options.outDir, appId);
    await mkdir2(appDir, { recursive: true });
    const target = join4(appDir, formatWindow(window2));
    const retired = join4(workDir, "retired");
    await mkdir2(retired, { recursive: true });
    for (const name of await readdir(appDir)) {
      const covered = parseWindowFolder(name);
      if (covered && covered.start >= window2.start && covered.end <= window2.end) {
        await rename(join4(appDir, name), join4(retired, name));
      }
    }
    await rename(source, target);
  }
  manifest(appId, window2, files, ignored, timings) {
    return {
      manifest_version: 1,
      app_id: appId,
      window: { start: formatHour(window2.start), end: formatHour(window2.end) },
      status: files.length > 0 ? "exported" : "empty",
      max_line_bytes: this.maxLineBytes,
      run_id: this.runId,
      extracted_at: this.now().toISOString(),
      request: this.source.describe(window2),
      totals: {
        files: files.length,
        bytes: sum(files, (f) => f.bytes),
        lines: sum(files, (f) => f.lines),
        events: sum(files, (f) => f.events),
        rejected: sum(files, (f) => f.rejected)
      },
      files: files.map((f) => ({
        name: f.name,
        member: f.member,
        bytes: f.bytes,
        sha256: f.sha256,
        lines: f.lines,
        events: f.events,
        rejected: f.rejected,
        min_server_upload_time: f.minServerUploadTime,
        max_server_upload_time: f.maxServerUploadTime
      })),
      ignored_members: ignored,
      timings,
      ...this.options.demo ? { demo: true } : {}
    };
  }
};
function appMismatch(answered, expected, from = "the project") {
  return new ConfigurationError(
    `the Amplitude keys answer for app ${answered}, but ${from} says app ${expected}: nothing was written. If these keys are the project's, keep app ${expected}'s data apart (another --out and --lake, or move it aside) or set AMPLITUDE_APP_ID=${answered} to keep both apps in one lake; otherwise set the keys of app ${expected} (AMP_API_KEY, AMP_SECRET_KEY)`
  );
}
function parseWindowFolder(name) {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2})_(\d{4}-\d{2}-\d{2}T\d{2})$/.exec(name);
  if (!match) return null;
  const toHour = (text) => Date.parse(`${text}:00:00Z`) / 36e5;
  return { start: toHour(match[1]), end: toHour(match[2]) };
}
function asAttemptError(error) {
  if (error instanceof ExportAttemptError) return error;
  if (error instanceof ExternalServiceError && error.retryable) {
    return new ExportAttemptError(error.message, {
      status: error.status,
      retryable: true,
      splittable: false,
      cause: error
    });
  }
  if (error instanceof CorruptExportError) {
    return new ExportAttemptError(error.message, { retryable: true, splittable: true, cause: error });
  }
  throw error;
}
function failureMessage(window2, failure) {
  const what = windowHours(window2) === 1 ? `hour ${formatHour(window2.start)}` : `window ${formatWindow(window2)}`;
  const retryCommand = `extract --start ${formatHour(window2.start)} --end ${formatHour(window2.end)}`;
  const remedy = failure.splittable ? `re-run \`${retryCommand}\` later; if it keeps failing, take this hour from Amplitude's S3 export or ask Amplitude support` : `fix the cause and re-run \`${retryCommand}\``;
  return `${what} could not be exported: ${failure.message}. Remedy: ${remedy}`;
}
async function removeStaleTemporaries(tmpRoot, now) {
  for (const name of await readdir(tmpRoot)) {
    const path = join4(tmpRoot, name);
    const info = await stat(path).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > 24 * 36e5)
      await rm2(path, { recursive: true, force: true });
  }
}
function groupBy(items, key) {
  const groups = /* @__PURE__ */ new Map();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
function sum(items, value) {
  return items.reduce((total, item) => total + value(item), 0);
}

// src/lake/snapshot-keys.ts
import { readdir as readdir2, readFile } from "node:fs/promises";
import { join as join5 } from "node:path";
var SNAPSHOT_OBJECTS = [
  "event_types",
  "event_categories",
  "cohorts",
  "cohort_members"
];
var SNAPSHOT_GROUP = {
  event_types: "taxonomy",
  event_categories: "taxonomy",
  cohorts: "cohorts",
  cohort_members: "cohorts"
};
var OBJECTS_FOLDER = "_objects";
var SNAPSHOT_MANIFEST_FILE = "manifest.json";
var SNAPSHOT_DELIVERY_DIGITS = 12;
var SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
var TAKEN_AT = String.raw`\d{8}T\d{6}\.\d{3}Z`;
var DELIVERY = String.raw`[0-9a-f]{${SNAPSHOT_DELIVERY_DIGITS}}`;
var OBJECT = "event_types|event_categories|cohorts|cohort_members";
var FILE_KEY = new RegExp(
  String.raw`^amplitude\/(${OBJECT})\/app=(\d+)\/(?:cohort=([^/]+)\/)?(${TAKEN_AT})_(${DELIVERY})\.json\.gz$`
);
var MANIFEST_KEY = new RegExp(
  String.raw`^amplitude\/_manifests\/(${OBJECT})\/app=(\d+)\/(?:cohort=([^/]+)\/)?(${TAKEN_AT})_(${DELIVERY})\.json$`
);
var FOLDER_NAME = new RegExp(String.raw`^(${TAKEN_AT})_(${DELIVERY})$`);
function isSnapshotObject(name) {
  return SNAPSHOT_OBJECTS.includes(name);
}
function checkCohortId(cohortId) {
  if (!SAFE_ID.test(cohortId) || cohortId.length > 200) {
    throw new Error(
      `cohort id ${JSON.stringify(cohortId)} cannot be part of a lake key (only letters, digits, _ . -): report it as a bug with the cohort's id`
    );
  }
  return cohortId;
}
function cohortSegment(object, cohortId) {
  if (object !== "cohort_members") return "";
  if (cohortId === void 0) throw new Error("a cohort_members snapshot needs its cohort id");
  return `cohort=${checkCohortId(cohortId)}/`;
}
function snapshotFolderKey(object, appId, cohortId) {
  return `amplitude/${object}/app=${appId}/${cohortSegment(object, cohortId)}`;
}
function snapshotFileKey(id) {
  return `${snapshotFolderKey(id.object, id.appId, id.cohortId)}${id.takenAt}_${id.delivery}.json.gz`;
}
function snapshotManifestFolderKey(object, appId, cohortId) {
  return `${MANIFESTS_PREFIX}${object}/app=${appId}/${cohortSegment(object, cohortId)}`;
}
function snapshotManifestKey(id) {
  return `${snapshotManifestFolderKey(id.object, id.appId, id.cohortId)}${id.takenAt}_${id.delivery}.json`;
}
function parse(match) {
  if (!match) return null;
  const object = match[1];
  const cohortId = match[3];
  if (object === "cohort_members" !== (cohortId !== void 0)) return null;
  return {
    object,
    appId: match[2],
    ...cohortId === void 0 ? {} : { cohortId },
    takenAt: match[4],
    delivery: match[5]
  };
}
function parseSnapshotFileKey(key) {
  return parse(FILE_KEY.exec(key));
}
function parseSnapshotManifestKey(key) {
  return parse(MANIFEST_KEY.exec(key));
}
function snapshotFileName(object) {
  return object === "cohort_members" ? "members.json.gz" : `${object}.json.gz`;
}
function snapshotFolderName(takenAt, delivery) {
  return `${typeof takenAt === "string" ? takenAt : compactTime(takenAt)}_${delivery}`;
}
function parseSnapshotFolderName(name) {
  const match = FOLDER_NAME.exec(name);
  return match ? { takenAt: match[1], delivery: match[2] } : null;
}
function backupObjectFolder(outDir, appId, object, cohortId) {
  const cohort = cohortSegment(object, cohortId);
  return join5(outDir, appId, OBJECTS_FOLDER, object, ...cohort ? [cohort.slice(0, -1)] : []);
}
function backupSnapshotFolder(outDir, id) {
  return join5(
    backupObjectFolder(outDir, id.appId, id.object, id.cohortId),
    snapshotFolderName(id.takenAt, id.delivery)
  );
}
function snapshotSlot(object, appId, cohortId) {
  return snapshotFolderKey(object, appId, cohortId);
}
async function latestSnapshots(lake, appId) {
  const greatest = /* @__PURE__ */ new Map();
  for (const object of SNAPSHOT_OBJECTS) {
    const prefix = appId ? `${MANIFESTS_PREFIX}${object}/app=${appId}/` : `${MANIFESTS_PREFIX}${object}/`;
    for await (const entry of lake.list(prefix)) {
      const id = parseSnapshotManifestKey(entry.key);
      if (!id) continue;
      const slot = snapshotSlot(id.object, id.appId, id.cohortId);
      const known = greatest.get(slot);
      if (!known || entry.key > known.key) greatest.set(slot, { id, key: entry.key });
    }
  }
  const latest = /* @__PURE__ */ new Map();
  for (const [slot, { id, key }] of greatest) {
    const manifest = await readLakeSnapshotManifest(lake, key);
    latest.set(slot, { ...id, location: key, manifest });
  }
  return latest;
}
async function readLakeSnapshotManifest(lake, key) {
  try {
    const chunks = [];
    for await (const chunk of await lake.read(key)) chunks.push(chunk);
    return checkManifest(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch (error) {
    throw new Error(
      `${lake.describe(key)} cannot be read as a snapshot manifest (${errorMessage(error)}): upload that snapshot again from a backup that holds it, or remove the manifest so the next run takes a new one`
    );
  }
}
async function readBackupSnapshotManifest(folder) {
  const path = join5(folder, SNAPSHOT_MANIFEST_FILE);
  try {
    return checkManifest(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    throw new Error(
      `${path} cannot be read as a snapshot manifest (${errorMessage(error)}): the backup of that snapshot is damaged; remove its folder and extract again`
    );
  }
}
function checkManifest(value) {
  const manifest = value;
  if (!manifest || manifest.manifest_version !== 2 || manifest.kind !== "snapshot" || !isSnapshotObject(manifest.object) || !Array.isArray(manifest.files)) {
    throw new Error("not a snapshot manifest this version understands");
  }
  return manifest;
}
async function backupSnapshots(outDir, appId) {
  const found = [];
  const root = join5(outDir, appId, OBJECTS_FOLDER);
  const names = async (dir) => (await readdir2(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const object of SNAPSHOT_OBJECTS) {
    const objectDir = join5(root, object);
    const folders = object === "cohort_members" ? (await names(objectDir)).map((name) => /^cohort=(.+)$/.exec(name)?.[1]).filter((id) => id !== void 0 && SAFE_ID.test(id)).sort().map((cohortId) => ({ dir: join5(objectDir, `cohort=${cohortId}`), cohortId })) : [{ dir: objectDir }];
    for (const { dir, cohortId } of folders) {
      for (const name of (await names(dir)).sort()) {
        const parts = parseSnapshotFolderName(name);
        if (!parts) continue;
        found.push({ object, appId, ...cohortId === void 0 ? {} : { cohortId }, ...parts });
      }
    }
  }
  return found;
}
async function latestBackupSnapshots(outDir, appId) {
  const greatest = /* @__PURE__ */ new Map();
  for (const id of await backupSnapshots(outDir, appId)) {
    greatest.set(snapshotSlot(id.object, id.appId, id.cohortId), id);
  }
  const latest = /* @__PURE__ */ new Map();
  for (const [slot, id] of greatest) {
    const folder = backupSnapshotFolder(outDir, id);
    latest.set(slot, {
      ...id,
      location: join5(folder, SNAPSHOT_MANIFEST_FILE),
      manifest: await readBackupSnapshotManifest(folder)
    });
  }
  return latest;
}
function snapshotDelivery(ndjsonSha256) {
  return ndjsonSha256.slice(0, SNAPSHOT_DELIVERY_DIGITS);
}
var GROUP_OBJECTS = {
  taxonomy: ["event_types", "event_categories"],
  cohorts: ["cohorts"]
};
async function latestSnapshotTimes(outDir, appId, lake) {
  const latest = /* @__PURE__ */ new Map();
  const see = (object, takenAt) => {
    if (object === "cohort_members") return;
    if (takenAt > (latest.get(object) ?? "")) latest.set(object, takenAt);
  };
  if (lake) {
    for (const object of [...GROUP_OBJECTS.taxonomy, ...GROUP_OBJECTS.cohorts]) {
      for await (const entry of lake.list(snapshotManifestFolderKey(object, appId))) {
        const id = parseSnapshotManifestKey(entry.key);
        if (id && id.object === object) see(object, id.takenAt);
      }
    }
  }
  for (const id of await backupSnapshots(outDir, appId)) see(id.object, id.takenAt);
  return latest;
}

export {
  pLimit,
  ExportClient,
  parseRetryAfter,
  ApiExportSource,
  LakeExportSource,
  MANIFEST_FILE,
  FAILURES_FOLDER,
  extract,
  parseWindowFolder,
  SNAPSHOT_OBJECTS,
  SNAPSHOT_GROUP,
  SNAPSHOT_MANIFEST_FILE,
  checkCohortId,
  snapshotFileKey,
  snapshotManifestFolderKey,
  snapshotManifestKey,
  parseSnapshotFileKey,
  parseSnapshotManifestKey,
  snapshotFileName,
  backupSnapshotFolder,
  snapshotSlot,
  latestSnapshots,
  readLakeSnapshotManifest,
  readBackupSnapshotManifest,
  backupSnapshots,
  latestBackupSnapshots,
  snapshotDelivery,
  GROUP_OBJECTS,
  latestSnapshotTimes
};
