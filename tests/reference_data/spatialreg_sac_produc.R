# Reference numbers for tests/test_sac_reference.py (issue 19): SAC (SARAR) on the
# within-transformed (unit effects) Produc panel with spatialreg::sacsarlm, plus errorsarlm
# and lagsarlm on the same data as a check of the conventions.
#
# Inputs from tests/reference_data/export_produc_within.py (run it first):
#   Rscript tests/reference_data/spatialreg_sac_produc.R /tmp/spatialreg_sac tests/reference_data/spatialreg_sac_produc.json
# Debian bookworm packages: r-base-core, r-cran-spatialreg, r-cran-spdep.
suppressPackageStartupMessages({library(spdep); library(spatialreg); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
indir <- if (length(args) >= 1) args[1] else "/tmp/spatialreg_sac"
out <- if (length(args) >= 2) args[2] else "spatialreg_sac_produc.json"

d <- read.csv(file.path(indir, "produc_within.csv"))
W <- as.matrix(read.csv(file.path(indir, "usaww.csv"), row.names = 1, check.names = FALSE))
N <- nrow(W); T <- nrow(d) / N
stopifnot(T == 17, N == 48, all(d$state[1:N] == rownames(W)), all(abs(rowSums(W) - 1) < 1e-14))
# time-major stacking: the NT x NT weights are kronecker(I_T, W)
lw <- mat2listw(kronecker(diag(T), W), style = "W")
X <- as.matrix(d[, c("lpcap", "lpc", "lemp", "unemp")])
y <- d$y
fm <- y ~ X - 1   # no intercept: the data are demeaned

strip <- function(v) { names(v) <- sub("^X", "", names(v)); as.list(v) }
mat <- function(m) { nm <- sub("^X", "", rownames(m)); list(names = nm, values = unname(m)) }

sac_fit <- function(fit) list(
  rho = unname(fit$rho), lambda = unname(fit$lambda), coefficients = strip(fit$coefficients),
  sigma2 = fit$s2, SSE = fit$SSE, logLik = as.numeric(logLik(fit)),
  rho_se = unname(fit$rho.se), lambda_se = unname(fit$lambda.se),
  std_errors = strip(setNames(fit$rest.se, names(fit$coefficients))), ase = fit$ase)

t0 <- Sys.time()
# 1. the defaults: method = "eigen", nlminb with its default control; analytic asymptotic vcov.
#    (Tighter nlminb tolerances, rel.tol = 1e-13, end at the same point bit for bit and warn
#    "singular convergence (7)": the default optimum is already the optimum.)
sac <- sacsarlm(fm, data = d, listw = lw, method = "eigen", quiet = TRUE)
# 2. fdHess = TRUE: also the numerical nlme::fdHess Hessian of the sigma2-concentrated
#    log-likelihood in (rho, lambda, beta); its inverse is stored in fit$fdHess
sac_fd <- sacsarlm(fm, data = d, listw = lw, method = "eigen", quiet = TRUE, control = list(fdHess = TRUE))
# 3. a Richardson-extrapolated Hessian (numDeriv) of the same concentrated log-likelihood, written
#    out here; it must reproduce spatialreg's logLik at the optimum
ev <- eigen(W, only.values = TRUE)$values
WY <- kronecker(diag(T), W)
Wy <- as.vector(WY %*% y); WWy <- as.vector(WY %*% Wy); WX <- WY %*% X
n <- length(y)
ll_conc <- function(p) {
  rho <- p[1]; lambda <- p[2]; b <- p[-(1:2)]
  e <- (y - rho * Wy - lambda * Wy + rho * lambda * WWy) - (X - lambda * WX) %*% b
  s2 <- sum(e^2) / n
  -n / 2 * (log(2 * pi) + 1) - n / 2 * log(s2) + T * sum(Re(log(1 - rho * ev))) + T * sum(Re(log(1 - lambda * ev)))
}
p_hat <- c(sac$rho, sac$lambda, sac$coefficients)
stopifnot(abs(ll_conc(p_hat) - sac$LL) < 1e-8)
H_rich <- numDeriv::hessian(ll_conc, p_hat)
V_rich <- solve(-H_rich)
dimnames(V_rich) <- list(c("rho", "lambda", colnames(X)), c("rho", "lambda", colnames(X)))

err <- errorsarlm(fm, data = d, listw = lw, method = "eigen", quiet = TRUE)
lag <- lagsarlm(fm, data = d, listw = lw, method = "eigen", quiet = TRUE)

res <- list(
  what = paste("SAC (SARAR) y = rho (I_T x W) y + X b + u, u = lambda (I_T x W) u + e on the unit-demeaned",
               "Produc panel (y_it - mean_i), lgsp ~ lpcap + lpc + lemp + unemp, W = usaww (queen us48, row-standardised)"),
  date = format(Sys.Date()), R = R.version.string,
  packages = list(spatialreg = as.character(packageVersion("spatialreg")),
                  spdep = as.character(packageVersion("spdep")), Matrix = as.character(packageVersion("Matrix"))),
  data = list(N = N, T = T, n = nrow(d), stacking = "time-major (kronecker(diag(T), W))",
              export = "tests/reference_data/export_produc_within.py"),
  options = list(call = "sacsarlm(y ~ X - 1, listw = mat2listw(kronecker(diag(17), W), style = 'W'), method = 'eigen')",
                 opt = "nlminb, default control (tighter rel.tol = 1e-13 gives the identical optimum)",
                 loglik = "n = NT = 816; log|I - rho (I_T x W)| = T log|I - rho W| from the eigenvalues; s2 = SSE/n",
                 vcov = paste("ase = TRUE: inverse of spatialreg's analytic asymptotic information in (sigma2, rho, lambda,",
                              "beta) (resvar; the row/column called 'sigma' is sigma2: entry n/(2 s2^2));",
                              "fdHess: -inverse of nlme::fdHess of the sigma2-concentrated loglik in (rho, lambda, beta);",
                              "numDeriv_hessian: -inverse of numDeriv::hessian (Richardson) of that loglik, written in this script")),
  sacsarlm = c(sac_fit(sac), list(resvar = mat(sac$resvar))),
  sacsarlm_fdHess = list(rho = unname(sac_fd$rho), lambda = unname(sac_fd$lambda), fdHess = mat(sac_fd$fdHess)),
  numDeriv_hessian = list(logLik_at_optimum = ll_conc(p_hat), vcov = mat(V_rich),
                          package = as.character(packageVersion("numDeriv"))),
  errorsarlm = list(lambda = unname(err$lambda), coefficients = strip(err$coefficients), sigma2 = err$s2,
                    logLik = as.numeric(logLik(err)), lambda_se = unname(err$lambda.se),
                    std_errors = strip(setNames(err$rest.se, names(err$coefficients))), ase = err$ase),
  lagsarlm = list(rho = unname(lag$rho), coefficients = strip(lag$coefficients), sigma2 = lag$s2,
                  logLik = as.numeric(logLik(lag)), rho_se = unname(lag$rho.se),
                  std_errors = strip(setNames(lag$rest.se, names(lag$coefficients))), ase = lag$ase),
  seconds = as.numeric(difftime(Sys.time(), t0, units = "secs")))
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, pretty = TRUE), out)
print(summary(sac))
