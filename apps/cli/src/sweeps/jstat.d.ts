/** The part of jStat (https://github.com/jstat/jstat, MIT) the sweep report uses. */
declare module "jstat" {
  const jStat: {
    studentt: {
      /** The p-quantile of Student's t distribution with `degreesOfFreedom`. */
      inv(p: number, degreesOfFreedom: number): number;
    };
  };
  export default jStat;
}
